package io.podium.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podium.testing.IsolatedProcess;
import io.podium.testing.PodiumProcess;
import io.podium.testing.Scrape;
import io.podium.testing.SystemTools;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * {@code podium dev} as a newcomer runs it: the packaged jar with the example pods, asked by the
 * AWS CLI, the Java SDK and a client that chooses its source address.
 */
class DevModeIT {

  private static final String DEV_WEB_ARN =
      "arn:aws:sts::123456789012:assumed-role/dev-web/dev@web";

  @TempDir static Path workDir;
  private static PodiumProcess podium;
  private static int imdsPort;
  private static int stsPort;
  private static int metricsPort;
  private static Path podsFile;

  @BeforeAll
  static void startDev() throws IOException {
    imdsPort = PodiumProcess.freePort();
    stsPort = PodiumProcess.freePort();
    metricsPort = PodiumProcess.freePort();
    podsFile = workDir.resolve("pods.yaml");
    Files.copy(Path.of("examples/dev-pods.yaml"), podsFile);
    podium =
        PodiumProcess.start(
                workDir,
                List.of(
                    "dev",
                    "--pods-file",
                    podsFile.toString(),
                    "--imds-listen",
                    "127.0.0.1:" + imdsPort,
                    "--sts-listen",
                    "127.0.0.1:" + stsPort,
                    "--metrics-listen",
                    "127.0.0.1:" + metricsPort))
            .awaitOutput("podium dev is running", Duration.ofSeconds(60));
  }

  @AfterAll
  static void stopDev() {
    if (podium != null) {
      podium.close();
    }
  }

  @Test
  void awsCliSeesTheAssumedRoleOfThePodAtLoopback() throws Exception {
    Path home = Files.createTempDirectory(workDir, "cli-home");
    IsolatedProcess.Result result =
        IsolatedProcess.run(
            home,
            Map.of(
                "AWS_EC2_METADATA_DISABLED",
                "false",
                "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                "http://127.0.0.1:" + imdsPort + "/"),
            List.of(
                SystemTools.awsCli().toString(),
                "sts",
                "get-caller-identity",
                "--endpoint-url",
                "http://127.0.0.1:" + stsPort,
                "--region",
                "us-east-1",
                "--output",
                "json"));

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout()).contains(DEV_WEB_ARN);
  }

  @Test
  void startUpLineSaysWhatItReadAndAsWhomItCallsSts() {
    assertThat(podium.stdout())
        .contains("pods from " + podsFile + " (")
        .containsPattern("\\(\\d+ pods\\)")
        .contains("region us-east-1")
        .contains("as arn:aws:");
  }

  @Test
  void servesMetricsAndProbesOnLoopbackAndSaysWhere() throws Exception {
    assertThat(podium.stdout()).contains("http://127.0.0.1:" + metricsPort + "/metrics");
    assertThat(Scrape.get(metricsPort, "/readyz").statusCode()).isEqualTo(200);
    assertThat(Scrape.get(metricsPort, "/healthz").statusCode()).isEqualTo(200);
    assertThat(
            Scrape.of(metricsPort)
                .has("podium_build_info{component=\"dev\",version=\"0.1.0-SNAPSHOT\"}"))
        .isTrue();
  }

  @Test
  void javaSdkCredentialsCarryThePodsRole() {
    AwsCredentials credentials;
    try (InstanceProfileCredentialsProvider provider =
        InstanceProfileCredentialsProvider.builder()
            .endpoint("http://127.0.0.1:" + imdsPort)
            .build()) {
      credentials = provider.resolveCredentials();
    }
    try (StsClient sts =
        StsClient.builder()
            .region(Region.US_EAST_1)
            .endpointOverride(URI.create("http://127.0.0.1:" + stsPort))
            .credentialsProvider(StaticCredentialsProvider.create(credentials))
            .build()) {
      assertThat(sts.getCallerIdentity().arn()).isEqualTo(DEV_WEB_ARN);
    }
  }

  @Test
  void eachSourceAddressGetsItsOwnPodsRoleWhateverTheHeadersSay() throws IOException {
    String forged =
        "X-Forwarded-For: 127.0.0.1\r\nX-Real-IP: 127.0.0.1\r\nForwarded: for=127.0.0.1\r\n";

    assertThat(get("127.0.0.1", "/latest/meta-data/iam/security-credentials/", ""))
        .endsWith("\r\n\r\ndev-web");
    assertThat(get("127.0.0.2", "/latest/meta-data/iam/security-credentials/", forged))
        .startsWith("HTTP/1.1 200")
        .endsWith("\r\n\r\ndev-worker");
    assertThat(get("127.0.0.3", "/latest/meta-data/iam/security-credentials/", forged))
        .startsWith("HTTP/1.1 404");
    assertThat(get("127.0.0.4", "/latest/meta-data/iam/security-credentials/", forged))
        .startsWith("HTTP/1.1 403")
        .contains("not permitted in namespace dev");
    assertThat(get("127.0.0.9", "/latest/meta-data/iam/security-credentials/", forged))
        .startsWith("HTTP/1.1 503");
    assertThat(get("127.0.0.2", "/latest/meta-data/iam/security-credentials/dev-web", forged))
        .startsWith("HTTP/1.1 404");
  }

  @Test
  void podsFileChangesTakeEffectWithoutARestart() throws IOException {
    String original = Files.readString(podsFile);
    String changed =
        original.replace("iam.amazonaws.com/role: dev-web", "iam.amazonaws.com/role: dev-web-v2");
    assertThat(changed).isNotEqualTo(original);
    Path next = workDir.resolve("pods.next");
    Files.writeString(next, changed);
    Files.move(next, podsFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    try {
      await()
          .atMost(Duration.ofSeconds(15))
          .until(
              () -> get("127.0.0.1", "/latest/meta-data/iam/security-credentials/", ""),
              response -> response.endsWith("\r\n\r\ndev-web-v2"));
    } finally {
      Files.writeString(next, original);
      Files.move(
          next, podsFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      await()
          .atMost(Duration.ofSeconds(15))
          .until(
              () -> get("127.0.0.1", "/latest/meta-data/iam/security-credentials/", ""),
              response -> response.endsWith("\r\n\r\ndev-web"));
    }
  }

  /** One HTTP/1.1 request from a chosen loopback source address; what SDK clients cannot do. */
  private static String get(String sourceAddress, String path, String extraHeaders)
      throws IOException {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(InetAddress.ofLiteral(sourceAddress), 0));
      socket.connect(new InetSocketAddress("127.0.0.1", imdsPort), 2000);
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET "
                  + path
                  + " HTTP/1.1\r\nHost: 169.254.169.254\r\n"
                  + extraHeaders
                  + "Connection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
