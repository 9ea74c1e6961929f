package io.podium.stsemulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.cli.PodiumCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** The {@code podium sts-emulator} options, checked before anything starts. */
class StsEmulatorCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... arguments) {
    CommandLine podium =
        PodiumCommand.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
    return podium.execute(arguments);
  }

  @Test
  void helpDescribesEveryOptionAndTheRolesFile() {
    int exit = run("sts-emulator", "--help");

    assertThat(exit).isZero();
    assertThat(out.toString())
        .contains("--listen=HOST:PORT")
        .contains("Default: 127.0.0.1:4566")
        .contains("--roles-file=FILE")
        .contains("--account-id")
        .contains("--bootstrap-access-key-id")
        .contains("--bootstrap-secret-access-key")
        .contains("--latency=DURATION")
        .contains("--throttle-fraction")
        .contains("--fail-code")
        .contains("--log-format")
        .contains("AKIAPODIUMEMULATOR01")
        .contains("trustedPrincipals")
        .contains("--oidc-provider=ISSUER=JWKS[,AUDIENCE...]")
        .contains("conditions:", "StringLike");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--listen|localhost|--listen 'localhost' is not HOST:PORT, e.g. 127.0.0.1:4566",
        "--listen|127.0.0.1:99999|--listen port must be from 0 to 65535",
        "--listen|::1:80|put IPv6 addresses in brackets",
        "--account-id|12345|--account-id must be twelve digits",
        "--bootstrap-access-key-id|lower|--bootstrap-access-key-id / --bootstrap-secret-access-key",
        "--bootstrap-secret-access-key|short|16 to 128 characters",
        "--throttle-fraction|1.5|--throttle-fraction must be from 0 to 1",
        "--throttle-first|-1|--throttle-first must not be negative",
        "--fail-code|Teapot|--fail-code: unknown STS error code 'Teapot'",
        "--latency|fast|--latency must be a duration like 100ms",
        "--latency|200ms-100ms|--latency range must not end before it starts",
        "--roles-file|/nonexistent/roles.yaml|roles file /nonexistent/roles.yaml: cannot be read",
        "--bootstrap-arn|user/me|--bootstrap-arn must be an ARN",
        "--oidc-provider|jwks.json|--oidc-provider must be ISSUER=JWKS[,AUDIENCE...]",
        "--oidc-provider|http://oidc.test=jwks.json|the issuer is an https URL",
        "--oidc-provider|https://oidc.test=/nonexistent/jwks.json|cannot be read",
        "--oidc-provider|https://oidc.test=http://jwks.example.com/keys|plain http only to a"
            + " loopback address",
      })
  void refusesBadOptionsWithAMessageSayingWhatToFix(String option, String value, String message) {
    int exit = run("sts-emulator", option, value);

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains(message);
  }
}
