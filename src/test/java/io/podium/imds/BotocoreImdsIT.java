package io.podium.imds;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.core.broker.Credentials;
import io.podium.testing.LogCapture;
import io.podium.testing.SystemTools;
import io.podium.testing.TestPods;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * botocore's own IMDS client (the image's Python, botocore 1.43) against a real server on loopback:
 * a subprocess with a fresh HOME, an explicit region, no credentials, and the metadata endpoint
 * pointed at the server. The script prints secrets only as SHA-256 digests.
 */
class BotocoreImdsIT {

  @RegisterExtension final LogCapture logs = new LogCapture();

  @TempDir Path home;

  private final JsonMapper json = JsonMapper.builder().build();
  private final FakeCallerCredentials callers = new FakeCallerCredentials(Clock.systemUTC());
  private LoopbackImds imds;

  @BeforeEach
  void setUp() {
    callers.permit(
        "127.0.0.1",
        TestPods.running("team-a", "web").withIp("127.0.0.1").build(),
        "arn:aws:iam::123456789012:role/reader");
  }

  @AfterEach
  void tearDown() {
    if (imds != null) {
      imds.close();
    }
    for (String secret : callers.secrets()) {
      assertThat(logs.allOutput()).doesNotContain(secret);
    }
  }

  @Test
  void fetcherResolvesThePodsCredentialsWithImdsv2() throws Exception {
    imds = new LoopbackImds(MetadataSettings.builder().requireImdsv2(true).build(), callers);

    JsonNode result = run("fetcher").getFirst();

    assertThat(result.get("imdsv2").asBoolean()).isTrue();
    assertMatches(result, callers.credentialsOf("127.0.0.1"));
    assertThat(result.get("role").asString()).isEqualTo("reader");
    assertThat(result.get("expiry").asString())
        .matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
  }

  @Test
  void fetcherFallsBackToImdsv1WhenTheTokenRequestIsRefused() throws Exception {
    imds = new LoopbackImds(MetadataSettings.builder().tokensDisabled(true).build(), callers);

    JsonNode result = run("fetcher").getFirst();

    assertThat(result.get("imdsv2").asBoolean()).isFalse();
    assertMatches(result, callers.credentialsOf("127.0.0.1"));
  }

  @Test
  void sessionFindsTheCredentialsThroughItsDefaultChain() throws Exception {
    imds = new LoopbackImds(MetadataSettings.builder().build(), callers);

    JsonNode result = run("session").getFirst();

    assertThat(result.get("method").asString()).isEqualTo("iam-role");
    assertMatches(result, callers.credentialsOf("127.0.0.1"));
  }

  @Test
  void recoversFromThe401ThatARestartCauses() throws Exception {
    imds = new LoopbackImds(MetadataSettings.builder().requireImdsv2(true).build(), callers);
    int port = imds.server.port();
    Credentials before = callers.credentialsOf("127.0.0.1");
    Process python = start("restart");
    List<JsonNode> results = new ArrayList<>();
    try (BufferedReader out = reader(python);
        Writer in = python.outputWriter(StandardCharsets.UTF_8)) {
      String line;
      while ((line = out.readLine()) != null && !line.equals("READY")) {
        results.add(json.readTree(line));
      }
      imds.close();
      imds =
          new LoopbackImds(
              MetadataSettings.builder()
                  .requireImdsv2(true)
                  .listen(new InetSocketAddress("127.0.0.1", port))
                  .build(),
              callers);
      in.write("restarted\n");
      in.flush();
      while ((line = out.readLine()) != null) {
        results.add(json.readTree(line));
      }
    }
    assertThat(python.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(python.exitValue()).isZero();

    assertThat(results).hasSize(3);
    assertMatches(results.get(0), before);
    assertThat(results.get(1).get("refused").asBoolean()).isTrue();
    assertMatches(results.get(2), callers.credentialsOf("127.0.0.1"));
    assertThat(Exposition.text(imds.registry))
        .contains("podium_metadata_rejected_total{reason=\"bad_token\"} 1.0");
  }

  private List<JsonNode> run(String mode) throws IOException, InterruptedException {
    Process python = start(mode);
    python.getOutputStream().close();
    List<JsonNode> results = new ArrayList<>();
    try (BufferedReader out = reader(python)) {
      String line;
      while ((line = out.readLine()) != null) {
        results.add(json.readTree(line));
      }
    }
    assertThat(python.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(python.exitValue()).isZero();
    assertThat(results).isNotEmpty();
    return results;
  }

  private Process start(String mode) throws IOException {
    String endpoint = "http://127.0.0.1:" + imds.server.port();
    ProcessBuilder builder =
        new ProcessBuilder(SystemTools.python("botocore"), script().toString(), mode, endpoint)
            .redirectError(home.resolve("python-stderr.txt").toFile());
    Map<String, String> env = builder.environment();
    String path = env.get("PATH");
    env.clear();
    env.put("PATH", path);
    env.put("HOME", home.toString());
    env.put("AWS_CONFIG_FILE", home.resolve("no-config").toString());
    env.put("AWS_SHARED_CREDENTIALS_FILE", home.resolve("no-credentials").toString());
    env.put("AWS_DEFAULT_REGION", "us-east-1");
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_EC2_METADATA_SERVICE_ENDPOINT", endpoint);
    env.put("NO_PROXY", "127.0.0.1");
    return builder.start();
  }

  private static BufferedReader reader(Process process) {
    return new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  private static Path script() {
    try {
      Path script = Path.of(BotocoreImdsIT.class.getResource("/imds/botocore_imds.py").toURI());
      assertThat(Files.isRegularFile(script)).isTrue();
      return script;
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void assertMatches(JsonNode result, Credentials expected) {
    assertThat(result.get("ok").asBoolean()).as("result %s", result).isTrue();
    assertThat(result.get("access_key").asString()).isEqualTo(expected.accessKeyId());
    assertThat(result.get("secret_sha256").asString())
        .isEqualTo(sha256(expected.secretAccessKey()));
    assertThat(result.get("token_sha256").asString()).isEqualTo(sha256(expected.sessionToken()));
  }

  private static String sha256(String value) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
