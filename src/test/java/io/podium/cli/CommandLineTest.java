package io.podium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CommandLineTest {

  private record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    CommandLine commandLine = PodiumCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    int code = commandLine.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void listsEveryCommand() {
    Run help = run("--help");

    assertThat(help.exitCode()).isZero();
    assertThat(help.out())
        .contains(
            "dev",
            "standalone",
            "sts-emulator",
            "server",
            "agent",
            "certs",
            "oidc",
            "webhook",
            "uninstall-nodes");
  }

  @Test
  void aRunBuildsOnlyTheCommandItNamesAndEveryCommandOtherwise() {
    assertThat(
            PodiumCommand.commandLine(new String[] {"--debug", "agent", "--help"}).getSubcommands())
        .containsOnlyKeys("agent");
    assertThat(PodiumCommand.commandLine(new String[] {"oidc", "documents"}).getSubcommands())
        .containsOnlyKeys("oidc");
    // Nothing named, a typo or help: every command, for the usage, "did you mean" and help.
    for (String[] args : new String[][] {{}, {"--version"}, {"agnet"}, {"help", "agent"}}) {
      assertThat(PodiumCommand.commandLine(args).getSubcommands().keySet())
          .containsExactlyElementsOf(PodiumCommand.commandNames())
          .contains("agent", "webhook", "help");
    }
    // A command built alone parses as it does among all of them.
    CommandLine alone = PodiumCommand.commandLine(new String[] {"dev"});
    assertThat(alone.isCaseInsensitiveEnumValuesAllowed()).isTrue();
    assertThat(alone.getSubcommands().get("dev").isCaseInsensitiveEnumValuesAllowed()).isTrue();
    assertThat(alone.getSubcommands().get("dev").getParameterExceptionHandler())
        .isInstanceOf(UserErrors.class);
  }

  @Test
  void devHelpShowsTheLoopbackDefaults() {
    Run help = run("dev", "--help");

    assertThat(help.exitCode()).isZero();
    assertThat(help.out())
        .contains("--imds-listen")
        .contains("127.0.0.1:8181")
        .contains("127.0.0.1:4566")
        .contains("examples/dev-pods.yaml")
        .doesNotContain("default: 0.0.0.0:8181")
        .doesNotContain("default: http://169.254.169.254");
  }

  @Test
  void standaloneHelpShowsProductionDefaultsAndTheFlagsUsersKnow() {
    Run help = run("standalone", "--help");

    assertThat(help.out())
        .contains("--role-base-arn", "--default-role", "--namespace-restrictions")
        .contains("--session-duration", "--min-remaining", "--assume-role-arn")
        .contains("--allow-route-regexp", "--require-imdsv2", "--pods-file")
        .contains("--kubeconfig", "--node", "--pod-wait", "500ms", "NODE_NAME")
        .contains("0.0.0.0:8181");
  }

  @Test
  void refusesMinRemainingAtOrAboveTheSessionDurationWithWhatToChange() {
    Run run =
        run(
            "standalone",
            "--pods-file",
            "examples/dev-pods.yaml",
            "--region",
            "us-east-1",
            "--session-duration",
            "15m",
            "--min-remaining",
            "20m");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--min-remaining").contains("lower --min-remaining");
  }

  @Test
  void refusesUnknownSessionTagsAndBadBaseArns() {
    Run tags =
        run("standalone", "--pods-file", "f", "--region", "us-east-1", "--session-tags", "colour");
    Run base =
        run("standalone", "--pods-file", "f", "--region", "us-east-1", "--role-base-arn", "nope");

    assertThat(tags.exitCode()).isEqualTo(2);
    assertThat(tags.err()).contains("Unknown --session-tags entry 'colour'");
    assertThat(base.exitCode()).isEqualTo(2);
    assertThat(base.err()).contains("Invalid --role-base-arn");
  }

  @Test
  void devRefusesAnotherStsEndpoint() {
    Run run = run("dev", "--sts-endpoint", "http://127.0.0.1:1");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("embedded STS emulator");
  }

  @Test
  void devReadsTheStsListenAddressAsEveryOtherHostPortOption() {
    Run unbracketed = run("dev", "--sts-listen", "::1:4566");
    Run noPort = run("dev", "--sts-listen", "127.0.0.1");

    assertThat(unbracketed.exitCode()).isEqualTo(2);
    assertThat(unbracketed.err())
        .contains(
            "--sts-listen '::1:4566' is not HOST:PORT: put IPv6 addresses in brackets, e.g."
                + " [::1]:4566");
    assertThat(noPort.exitCode()).isEqualTo(2);
    assertThat(noPort.err())
        .contains("--sts-listen '127.0.0.1' is not HOST:PORT, e.g. 127.0.0.1:4566");
  }

  @Test
  void refusesBadMetadataOptionsWithWhatToFix() {
    Run listen =
        run("standalone", "--pods-file", "f", "--region", "us-east-1", "--imds-listen", "8181");
    Run regex =
        run(
            "standalone",
            "--pods-file",
            "f",
            "--region",
            "us-east-1",
            "--allow-route-regexp",
            "latest/(meta-data");
    Run upstream =
        run(
            "standalone",
            "--pods-file",
            "f",
            "--region",
            "us-east-1",
            "--metadata-upstream",
            "ftp://x");

    assertThat(listen.exitCode()).isEqualTo(2);
    assertThat(listen.err()).contains("--imds-listen").contains("HOST:PORT");
    assertThat(regex.exitCode()).isEqualTo(2);
    assertThat(regex.err()).contains("--allow-route-regexp");
    assertThat(upstream.exitCode()).isEqualTo(2);
    assertThat(upstream.err()).contains("--metadata-upstream");
  }

  @Test
  void standaloneTakesExactlyOnePodSource() {
    Run both =
        run(
            "standalone",
            "--pods-file",
            "examples/dev-pods.yaml",
            "--kubeconfig",
            "pom.xml",
            "--region",
            "us-east-1");

    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("two pod sources");
  }

  @Test
  void aClusterSourceNeedsTheNodeAndAReadableKubeconfig() {
    Run noNode =
        run("standalone", "--kubeconfig", "pom.xml", "--region", "us-east-1", "--node", " ");
    Run missing =
        run(
            "standalone",
            "--kubeconfig",
            "no/such/kubeconfig",
            "--node",
            "node-1",
            "--region",
            "us-east-1");
    Run slowWait =
        run(
            "standalone",
            "--kubeconfig",
            "pom.xml",
            "--node",
            "node-1",
            "--pod-wait",
            "2s",
            "--region",
            "us-east-1");

    assertThat(noNode.exitCode()).isEqualTo(2);
    assertThat(noNode.err()).contains("--node is required").contains("NODE_NAME");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("--kubeconfig no/such/kubeconfig does not exist");
    assertThat(slowWait.exitCode()).isEqualTo(2);
    assertThat(slowWait.err()).contains("--pod-wait");
  }

  @Test
  void withoutAnyPodSourceSaysWhatToGive() {
    org.junit.jupiter.api.Assumptions.assumeFalse(
        KubernetesOptions.clusterConfigAvailable(System.getenv()),
        "this machine has a kubeconfig or runs in a cluster");

    Run none = run("standalone", "--node", "node-1", "--region", "us-east-1");

    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err())
        .contains("no pod source")
        .contains("--pods-file")
        .contains("--kubeconfig");
  }

  @Test
  void helpTellsEachCommandsOwnLogFormatDefault() {
    String dev = run("dev", "--help").out().replaceAll("\\s+", " ");
    String standalone = run("standalone", "--help").out().replaceAll("\\s+", " ");

    assertThat(dev).contains("or text (default: text)").doesNotContain("per line, the default");
    assertThat(standalone).contains("or text (default: json)");
  }
}
