package io.podium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code podium webhook}'s command line: the upstream flags, and what it refuses before starting.
 */
class WebhookCommandTest {

  @TempDir Path dir;

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
  void helpNamesTheUpstreamFlagsWithTheirDefaults() {
    Run help = run("webhook", "--help");

    assertThat(help.exitCode()).isZero();
    assertThat(help.out())
        .contains("--annotation-prefix", "eks.amazonaws.com")
        .contains("--token-audience", "sts.amazonaws.com")
        .contains("--token-expiration", "86400")
        .contains("--aws-default-region", "--sts-regional-endpoint")
        .contains("--kubeconfig", "--pods-file", "--listen", "0.0.0.0:8443")
        .contains("--tls-cert", "--tls-key", "--metrics-listen")
        .contains("--namespace-restrictions", "--service-account-lookup-timeout")
        .contains("skip-containers", "podium.io/skip", "docs/irsa.md");
  }

  @Test
  void refusesTwoSourcesAtOnce() throws Exception {
    Path file = Files.writeString(dir.resolve("accounts.yaml"), "");
    Path cert = Files.writeString(dir.resolve("tls.crt"), "x");

    Run run =
        run(
            "webhook",
            "--pods-file",
            file.toString(),
            "--kubeconfig",
            file.toString(),
            "--tls-cert",
            cert.toString(),
            "--tls-key",
            cert.toString(),
            "--metrics-listen",
            "none");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--pods-file and --kubeconfig");
  }

  @Test
  void refusesACertificateItCannotReadSayingHowToMakeOne() throws Exception {
    Path file = Files.writeString(dir.resolve("accounts.yaml"), "");

    Run run =
        run(
            "webhook",
            "--pods-file",
            file.toString(),
            "--tls-cert",
            dir.resolve("missing.crt").toString(),
            "--tls-key",
            dir.resolve("missing.key").toString(),
            "--metrics-listen",
            "none");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--tls-cert", "podium certs --webhook-dns");
  }

  @Test
  void refusesABaseArnAndARegionThatAreNot() throws Exception {
    Path file = Files.writeString(dir.resolve("accounts.yaml"), "");
    String[] common = {
      "webhook", "--pods-file", file.toString(), "--tls-cert", "c", "--tls-key", "k"
    };

    Run base = run(concat(common, "--role-base-arn", "arn:aws:s3:::bucket"));
    Run region = run(concat(common, "--aws-default-region", "Not A Region"));

    assertThat(base.exitCode()).isEqualTo(2);
    assertThat(base.err()).contains("--role-base-arn");
    assertThat(region.exitCode()).isEqualTo(2);
    assertThat(region.err()).contains("--aws-default-region");
  }

  private static String[] concat(String[] first, String... more) {
    String[] all = new String[first.length + more.length];
    System.arraycopy(first, 0, all, 0, first.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }
}
