package io.podium.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podium.testing.IsolatedProcess;
import io.podium.testing.PodiumProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code podium dev}'s container-credentials endpoint (EKS Pod Identity's protocol) as the issue's
 * dev-mode commands use it: the tokens it writes to {@code --token-dir}, read by unmodified clients
 * (the AWS SDK for Java v2, botocore, the JavaScript SDK v3) through {@code
 * AWS_CONTAINER_CREDENTIALS_FULL_URI} and {@code AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE}; and
 * another pod's token from the same address refused.
 */
class DevContainerCredentialsIT {

  private static final String DEV_WEB_ARN =
      "arn:aws:sts::123456789012:assumed-role/dev-web/dev@web";

  @TempDir static Path workDir;
  private static PodiumProcess podium;
  private static int stsPort;
  private static int endpointPort;
  private static Path tokens;

  @BeforeAll
  static void startDev() throws IOException {
    int imdsPort = PodiumProcess.freePort();
    stsPort = PodiumProcess.freePort();
    endpointPort = PodiumProcess.freePort();
    tokens = workDir.resolve("tokens");
    Path pods = workDir.resolve("pods.yaml");
    Files.copy(Path.of("examples/dev-pods.yaml"), pods);
    podium =
        PodiumProcess.start(
                workDir,
                List.of(
                    "dev",
                    "--pods-file",
                    pods.toString(),
                    "--imds-listen",
                    "127.0.0.1:" + imdsPort,
                    "--sts-listen",
                    "127.0.0.1:" + stsPort,
                    "--container-credentials-listen",
                    "127.0.0.1:" + endpointPort,
                    "--token-dir",
                    tokens.toString(),
                    "--metrics-listen",
                    "none"))
            .awaitOutput("podium dev is running", Duration.ofSeconds(60));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> Files.isRegularFile(tokens.resolve("dev/worker/token")));
  }

  @AfterAll
  static void stopDev() {
    if (podium != null) {
      podium.close();
    }
  }

  private static Map<String, String> podIdentity(String namespace, String pod) {
    return Map.of(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "http://127.0.0.1:" + endpointPort + "/v1/credentials",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
        tokens.resolve(namespace).resolve(pod).resolve("token").toString());
  }

  private static IsolatedProcess.Result run(Map<String, String> environment, List<String> command)
      throws IOException, InterruptedException {
    return IsolatedProcess.run(Files.createTempDirectory(workDir, "home"), environment, command);
  }

  @Test
  void printsTheCommandThatWorks() {
    assertThat(podium.stdout())
        .contains("container credentials   http://127.0.0.1:" + endpointPort + "/v1/credentials")
        .contains("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=");
  }

  @Test
  void javaSdkDefaultChainGetsThePodsRoleWithItsToken() throws Exception {
    IsolatedProcess.Result java =
        run(podIdentity("dev", "web"), javaClient("http://127.0.0.1:" + stsPort));

    assertThat(java.exitCode()).as(java.stderr()).isZero();
    assertThat(java.stdout()).contains("\"arn\":\"" + DEV_WEB_ARN + "\"");
  }

  @Test
  void botocoreContainerProviderGetsThePodsRoleWithItsToken() throws Exception {
    IsolatedProcess.Result boto =
        run(
            podIdentity("dev", "web"),
            List.of(
                python(),
                resource("/interception/boto3_identity.py"),
                "http://127.0.0.1:" + stsPort));

    assertThat(boto.exitCode()).as(boto.stderr()).isZero();
    assertThat(boto.stdout())
        .contains("\"arn\": \"" + DEV_WEB_ARN + "\"")
        .contains("\"method\": \"container-role\"");
  }

  @Test
  void javascriptSdkFromHttpGetsThePodsRoleWithItsToken() throws Exception {
    Path script = Path.of("src/test/js/container-identity.mjs").toAbsolutePath();
    assertThat(script.resolveSibling("node_modules/@aws-sdk/credential-providers"))
        .as("./mvnw verify installs the JavaScript SDK with src/test/js/install.sh")
        .isDirectory();

    IsolatedProcess.Result node =
        run(
            podIdentity("dev", "web"),
            List.of("/usr/bin/node", script.toString(), "http://127.0.0.1:" + stsPort));

    assertThat(node.exitCode()).as(node.stderr()).isZero();
    assertThat(node.stdout()).contains("\"arn\":\"" + DEV_WEB_ARN + "\"");
  }

  @Test
  void anotherPodsTokenFromThisPodsAddressGetsNothing() throws Exception {
    // dev/worker's token, presented from 127.0.0.1, which is dev/web's address.
    IsolatedProcess.Result java =
        run(podIdentity("dev", "worker"), javaClient("http://127.0.0.1:" + stsPort));

    assertThat(java.exitCode()).isNotZero();
    assertThat(java.stdout()).doesNotContain("assumed-role");
    assertThat(get("127.0.0.1", "dev/worker"))
        .startsWith("HTTP/1.1 403")
        .contains("\"Code\":\"AccessDenied\"")
        .doesNotContain("SecretAccessKey");
    assertThat(podium.output()).contains("presented from 127.0.0.1");
  }

  @Test
  void theTokenWorksFromItsOwnPodsAddress() throws Exception {
    assertThat(get("127.0.0.2", "dev/worker"))
        .startsWith("HTTP/1.1 200")
        .contains("\"AccessKeyId\"", "\"SecretAccessKey\"", "\"Token\"", "\"AccountId\"")
        .contains("\"Expiration\"");
  }

  @Test
  void aTokenOfNoPodIsRefusedAndNoTokenIsABadRequest() throws Exception {
    assertThat(raw("127.0.0.1", "Authorization: eyJhbGciOiJSUzI1NiJ9.e30.c2ln\r\n"))
        .startsWith("HTTP/1.1 403");
    assertThat(raw("127.0.0.1", "")).startsWith("HTTP/1.1 400").contains("MissingToken");
  }

  /** {@code GET /v1/credentials} from {@code source} with the token of {@code pod}. */
  private static String get(String source, String pod) throws IOException {
    String token = Files.readString(tokens.resolve(pod).resolve("token")).strip();
    return raw(source, "Authorization: " + token + "\r\n");
  }

  /** One request from a chosen loopback source address; what SDK clients cannot do. */
  private static String raw(String source, String headers) throws IOException {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(InetAddress.ofLiteral(source), 0));
      socket.connect(new InetSocketAddress("127.0.0.1", endpointPort), 2000);
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /v1/credentials HTTP/1.1\r\nHost: 127.0.0.1:"
                  + endpointPort
                  + "\r\n"
                  + headers
                  + "Connection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static List<String> javaClient(String sts) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.add("-Xmx128m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    command.add("io.podium.interception.JavaSdkIdentity");
    command.add(sts);
    return command;
  }

  /** The python3 with boto3 (botocore's container provider), resolved once. */
  private static String python() throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder("python3", "-c", "import sys, boto3; print(sys.executable)")
            .redirectErrorStream(true)
            .start();
    String output =
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(process.waitFor()).as("python3 with boto3: " + output).isZero();
    return output;
  }

  private static String resource(String name) throws Exception {
    return Path.of(DevContainerCredentialsIT.class.getResource(name).toURI()).toString();
  }
}
