package io.podium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.podium.testing.LogCapture;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What a user sees for what they typed wrong: one line naming the flag or file, exit code 2. */
class UserErrorsTest {

  @RegisterExtension final LogCapture logs = new LogCapture();

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
  void podiumAloneListsTheCommandsAndExitsWithTheUsageErrorCode() {
    Run run = run();

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("standalone", "agent", "server", "dev", "give a command");
  }

  @Test
  void readsKube2iamsBaseRoleArnWithOneWarningNamingPodiumsFlag() {
    Run run =
        run(
            "standalone",
            "--base-role-arn",
            "arn:aws:iam::123456789012:role/",
            "--region",
            "us-east-1",
            "--pods-file",
            "no/such/pods.yaml");

    // The alias was read: what stops the command is the next problem, the missing file.
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--pods-file").doesNotContain("nknown option");
    assertThat(logs.events())
        .map(ILoggingEvent::getFormattedMessage)
        .filteredOn(message -> message.contains("--base-role-arn"))
        .singleElement()
        .asString()
        .startsWith("--base-role-arn arn:aws:iam::123456789012:role/ is kube2iam's flag")
        .contains("read as --role-base-arn");
  }

  @Test
  void refusesAnOldFlagWithoutMeaningWithTheReasonInOneLine() {
    Run run = run("standalone", "--region", "us-east-1", "--resolve-duplicate-cache-ips");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip())
        .startsWith("podium standalone: --resolve-duplicate-cache-ips is kube2iam's")
        .contains("503")
        .doesNotContain("\n");
  }

  @Test
  void suggestsTheNearestFlagForATypoWithoutAUsageDump() {
    Run run = run("standalone", "--regoin", "us-east-1");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip())
        .isEqualTo(
            "podium standalone: unknown option --regoin: did you mean --region?"
                + " (podium standalone --help lists every option)");
  }

  @Test
  void saysWhichCommandReadsAnOldFlagGivenToAnother() {
    Run run = run("agent", "--base-role-arn", "arn:aws:iam::123456789012:role/");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("--base-role-arn: it is kube2iam's, which podium standalone reads as")
        .contains("--role-base-arn");
  }

  @Test
  void showsTheStackTraceOnlyWithDebug() {
    Run plain = run("standalone", "--regoin", "us-east-1");
    Run debug = run("--debug", "standalone", "--regoin", "us-east-1");

    assertThat(plain.err()).doesNotContain("\tat ");
    assertThat(debug.err()).contains("did you mean --region?").contains("\tat picocli.");
  }

  @Test
  void namesTheFileAndTheProblemOfAMalformedPodsFileInOneLine(@TempDir Path dir)
      throws IOException {
    Path pods = Files.writeString(dir.resolve("pods.yaml"), "kind: Pod\nmetadata: [unclosed\n");

    Run run = run("standalone", "--region", "us-east-1", "--pods-file", pods.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip())
        .startsWith("podium standalone: --pods-file " + pods)
        .doesNotContain("\n")
        .doesNotContain("Exception");
  }

  @Test
  void namesTheFlagOfAPortInUseBeforeAnythingStarts() throws IOException {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      String address = "127.0.0.1:" + taken.getLocalPort();

      Run standalone =
          run(
              "standalone",
              "--region",
              "us-east-1",
              "--pods-file",
              "examples/dev-pods.yaml",
              "--imds-listen",
              address);
      Run dev = run("dev", "--imds-listen", "127.0.0.1:0", "--sts-listen", address);

      assertThat(standalone.exitCode()).isEqualTo(2);
      assertThat(standalone.err().strip())
          .isEqualTo(
              "podium standalone: --imds-listen "
                  + address
                  + " is in use: another process listens there; stop it, or give --imds-listen"
                  + " another port");
      assertThat(dev.exitCode()).isEqualTo(2);
      assertThat(dev.err()).contains("--sts-listen " + address + " is in use");
    }
  }

  @Test
  void devChecksEveryFlagBeforeItStartsItsEmulator() throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }

    Run run =
        run(
            "dev",
            "--imds-listen",
            "127.0.0.1:0",
            "--sts-listen",
            "127.0.0.1:" + port,
            "--session-tags",
            "colour");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--session-tags");
    assertThat(logs.events())
        .map(ILoggingEvent::getFormattedMessage)
        .noneMatch(message -> message.contains("STS emulator"));
  }

  @Test
  void refusesAutoWhereNoNodeMetadataServiceIsAsked() {
    Run dev = run("dev", "--region", "auto");
    Run server =
        run(
            "server",
            "--region",
            "auto",
            "--pods-file",
            "examples/dev-pods.yaml",
            "--tls-cert",
            "c",
            "--tls-key",
            "k",
            "--tls-ca",
            "a");
    Run noUpstream =
        run(
            "standalone",
            "--region",
            "auto",
            "--metadata-upstream",
            "none",
            "--pods-file",
            "examples/dev-pods.yaml",
            "--imds-listen",
            "127.0.0.1:0");

    assertThat(dev.exitCode()).isEqualTo(2);
    assertThat(dev.err()).contains("--region auto reads a node's metadata service");
    assertThat(server.exitCode()).isEqualTo(2);
    assertThat(server.err()).contains("--region auto").contains("runs in a pod");
    assertThat(noUpstream.exitCode()).isEqualTo(2);
    assertThat(noUpstream.err()).contains("--metadata-upstream is none");
  }
}
