package io.podium.cli;

import static io.podium.cli.OptionErrors.invalid;

import io.podium.tls.TlsFiles;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The mutual-TLS files of {@code podium server} and {@code podium agent}: a certificate and key
 * (cert-manager's {@code tls.crt}/{@code tls.key}, or {@code podium certs} output) and the CA that
 * issued the other side's, all re-read when they change.
 */
final class TlsOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      required = true,
      description = "This process's certificate chain (PEM), e.g. /etc/podium/tls/tls.crt.")
  Path certificate;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      required = true,
      description = "Its private key (PEM, PKCS#8), e.g. /etc/podium/tls/tls.key.")
  Path key;

  @Option(
      names = "--tls-ca",
      paramLabel = "FILE",
      required = true,
      description =
          "The CA certificates (PEM) that issued the other side's certificates, e.g."
              + " /etc/podium/tls/ca.crt.")
  Path ca;

  @Option(
      names = "--tls-refresh",
      paramLabel = "DURATION",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description =
          "How often the three files are checked for changes (rotation without restart;"
              + " default: ${DEFAULT-VALUE}).")
  Duration refresh;

  TlsFiles files() {
    if (refresh.isZero()) {
      throw invalid(command, "--tls-refresh must be positive");
    }
    try {
      return new TlsFiles(certificate, key, ca)
          .requireReadable("--tls-cert", "--tls-key", "--tls-ca");
    } catch (IllegalArgumentException e) {
      throw invalid(command, e);
    }
  }
}
