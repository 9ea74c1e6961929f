package io.podium.stsemulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.testing.IsolatedProcess;
import io.podium.testing.SystemTools;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Debian's AWS CLI v2 ({@code /usr/bin/aws}, botocore inside) against the emulator. */
class StsEmulatorAwsCliIT {

  private static final Path AWS_CLI = Path.of("/usr/bin/aws");
  private static final String ROLE = "arn:aws:iam::210987654321:role/cli-reader";

  @TempDir Path home;

  private final JsonMapper json = new JsonMapper();
  private StsEmulator emulator;

  @BeforeAll
  static void requireTheCli() {
    SystemTools.awsCli();
  }

  @BeforeEach
  void start() throws Exception {
    emulator = StsEmulator.builder().build();
    emulator.start(new InetSocketAddress("127.0.0.1", 0));
  }

  @AfterEach
  void stop() {
    emulator.close();
  }

  private IsolatedProcess.Result aws(Map<String, String> credentials, String... arguments)
      throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(AWS_CLI.toString(), "sts"));
    command.addAll(List.of(arguments));
    command.addAll(
        List.of(
            "--region",
            "us-east-1",
            "--endpoint-url",
            emulator.endpoint().toString(),
            "--output",
            "json"));
    return IsolatedProcess.run(home, credentials, command);
  }

  private static Map<String, String> bootstrap(String secret) {
    return Map.of(
        "AWS_ACCESS_KEY_ID",
        BootstrapCredentials.DEV_ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY",
        secret);
  }

  @Test
  void assumedRoleSessionIsTheCallerIdentity() throws Exception {
    IsolatedProcess.Result assumed =
        aws(
            bootstrap(BootstrapCredentials.DEV_SECRET_ACCESS_KEY),
            "assume-role",
            "--role-arn",
            ROLE,
            "--role-session-name",
            "cli-it");
    assertThat(assumed.exitCode()).as(assumed.stderr()).isZero();
    JsonNode credentials = json.readTree(assumed.stdout()).get("Credentials");

    IsolatedProcess.Result identity =
        aws(
            Map.of(
                "AWS_ACCESS_KEY_ID", credentials.get("AccessKeyId").stringValue(),
                "AWS_SECRET_ACCESS_KEY", credentials.get("SecretAccessKey").stringValue(),
                "AWS_SESSION_TOKEN", credentials.get("SessionToken").stringValue()),
            "get-caller-identity");

    assertThat(identity.exitCode()).as(identity.stderr()).isZero();
    assertThat(json.readTree(identity.stdout()).get("Arn").stringValue())
        .isEqualTo("arn:aws:sts::210987654321:assumed-role/cli-reader/cli-it");
    assertThat(emulator.stats().callCount("AssumeRole")).isEqualTo(1);
    assertThat(emulator.stats().callCount("GetCallerIdentity")).isEqualTo(1);
  }

  @Test
  void wrongSecretFailsWithSignatureDoesNotMatch() throws Exception {
    IsolatedProcess.Result result =
        aws(bootstrap("wrongSecretWrongSecretWrongSecretWrong00"), "get-caller-identity");

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.stderr()).contains("SignatureDoesNotMatch");
  }
}
