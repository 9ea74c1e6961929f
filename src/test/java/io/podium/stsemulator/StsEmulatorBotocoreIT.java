package io.podium.stsemulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.testing.IsolatedProcess;
import io.podium.testing.SystemTools;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** botocore, from the image's Python, against the emulator (script in test resources). */
class StsEmulatorBotocoreIT {

  private static final String ROLE = "arn:aws:iam::210987654321:role/py-reader";

  private static String python;

  @TempDir Path home;

  private StsEmulator emulator;

  /** The interpreter that can import botocore, found once with the ordinary PATH. */
  @BeforeAll
  static void findPythonWithBotocore() throws IOException, InterruptedException {
    python = SystemTools.python("botocore");
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

  @Test
  void botocoreAssumesRoleAndSeesTheSessionAsCaller() throws Exception {
    Path script = Path.of(getClass().getResource("/stsemulator/botocore_assume_role.py").toURI());
    String token =
        Jwts.token(
            "system:serviceaccount:ns:py", "sts.amazonaws.com", Instant.now().plusSeconds(600));

    IsolatedProcess.Result result =
        IsolatedProcess.run(
            home,
            Map.of(
                "AWS_ACCESS_KEY_ID", BootstrapCredentials.DEV_ACCESS_KEY_ID,
                "AWS_SECRET_ACCESS_KEY", BootstrapCredentials.DEV_SECRET_ACCESS_KEY,
                "PODIUM_TEST_WEB_IDENTITY_TOKEN", token),
            List.of(python, script.toString(), emulator.endpoint().toString(), ROLE));

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    JsonNode output = new JsonMapper().readTree(result.stdout());
    assertThat(output.get("assumedRoleArn").stringValue())
        .isEqualTo("arn:aws:sts::210987654321:assumed-role/py-reader/botocore-it");
    assertThat(output.get("callerArn").stringValue())
        .isEqualTo(output.get("assumedRoleArn").stringValue());
    assertThat(output.get("callerAccount").stringValue()).isEqualTo("210987654321");
    assertThat(OffsetDateTime.parse(output.get("expiration").stringValue()).toInstant())
        .isAfter(Instant.now().plusSeconds(800));
    assertThat(output.get("webIdentitySubject").stringValue())
        .isEqualTo("system:serviceaccount:ns:py");
    assertThat(output.get("webIdentityArn").stringValue()).endsWith("/botocore-web");
    assertThat(emulator.stats().callCount("AssumeRole")).isEqualTo(1);
    assertThat(emulator.stats().errorCount("SignatureDoesNotMatch")).isZero();
  }
}
