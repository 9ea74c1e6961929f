package io.podium.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podium.stsemulator.BootstrapCredentials;
import io.podium.stsemulator.StsEmulator;
import io.podium.testing.ImdsClient;
import io.podium.testing.IsolatedProcess;
import io.podium.testing.PodiumProcess;
import io.podium.testing.SystemTools;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code podium certs}, {@code podium server} and {@code podium agent} as separate processes with
 * mutual TLS, the agent started first, and the AWS CLI v2 as the pod.
 */
class AgentServerIT {

  static final String PODS =
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: shop
        annotations:
          iam.amazonaws.com/permitted: "shop-.*"
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
        namespace: shop
        uid: 3d1c7a52-0000-4000-8000-000000000001
        annotations:
          iam.amazonaws.com/role: shop-web
      spec:
        nodeName: node-1
      status:
        phase: Running
        podIPs:
          - ip: 127.0.0.1
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: db
        namespace: shop
        uid: 3d1c7a52-0000-4000-8000-000000000002
        annotations:
          iam.amazonaws.com/role: shop-db
      spec:
        nodeName: node-2
      status:
        phase: Running
        podIPs:
          - ip: 127.0.0.2
      """;

  @TempDir Path workDir;

  static List<String> serverArgs(Path dir, Path pods, int stsPort, int port, String replica) {
    return List.of(
        "server",
        "--pods-file",
        pods.toString(),
        "--region",
        "us-east-1",
        "--sts-endpoint",
        "http://127.0.0.1:" + stsPort,
        "--role-base-arn",
        "arn:aws:iam::123456789012:role/",
        "--listen",
        "127.0.0.1:" + port,
        "--health-listen",
        "none",
        "--replica-id",
        replica,
        "--tls-cert",
        dir.resolve("certs/server.crt").toString(),
        "--tls-key",
        dir.resolve("certs/server.key").toString(),
        "--tls-ca",
        dir.resolve("certs/ca.crt").toString(),
        "--log-format",
        "text",
        // Several processes on one machine: no shared default port (OperationsIT sets one).
        "--metrics-listen",
        "none");
  }

  static List<String> agentArgs(Path dir, List<Integer> serverPorts, int imdsPort) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "agent",
                "--node",
                "node-1",
                "--container-credentials-listen",
                "none",
                "--imds-listen",
                "127.0.0.1:" + imdsPort,
                "--metadata-upstream",
                "none",
                "--region",
                "us-east-1",
                "--tls-cert",
                dir.resolve("certs/agent-node-1.crt").toString(),
                "--tls-key",
                dir.resolve("certs/agent-node-1.key").toString(),
                "--tls-ca",
                dir.resolve("certs/ca.crt").toString(),
                "--log-format",
                "text",
                "--shutdown-delay",
                "3s",
                "--metrics-listen",
                "none"));
    for (int port : serverPorts) {
      args.add("--server");
      args.add("127.0.0.1:" + port);
    }
    return args;
  }

  static void makeCertificates(Path dir) throws Exception {
    PodiumProcess.makeCertificates(dir, "node-1");
  }

  static Map<String, String> serverEnvironment(BootstrapCredentials bootstrap) {
    return Map.of(
        "AWS_ACCESS_KEY_ID", bootstrap.accessKeyId(),
        "AWS_SECRET_ACCESS_KEY", bootstrap.secretAccessKey());
  }

  @Test
  void theAwsCliGetsThePodsRoleThroughAnAgentStartedBeforeItsServer() throws Exception {
    makeCertificates(workDir);
    Path pods = workDir.resolve("pods.yaml");
    Files.writeString(pods, PODS);
    int serverPort = PodiumProcess.freePort();
    int imdsPort = PodiumProcess.freePort();
    BootstrapCredentials bootstrap = BootstrapCredentials.devDefaults();
    try (StsEmulator sts = StsEmulator.builder().bootstrapCredentials(bootstrap).build()) {
      InetSocketAddress stsAddress = sts.start(new InetSocketAddress("127.0.0.1", 0));
      try (PodiumProcess agent =
          PodiumProcess.start(workDir, agentArgs(workDir, List.of(serverPort), imdsPort))) {
        agent.awaitOutput("metadata API on", Duration.ofSeconds(60));
        // No server yet: the agent neither exits nor guesses.
        assertThat(
                ImdsClient.get("127.0.0.1", imdsPort, "/latest/meta-data/iam/security-credentials/")
                    .status())
            .isEqualTo(503);

        try (PodiumProcess server =
            PodiumProcess.start(
                workDir,
                serverArgs(workDir, pods, stsAddress.getPort(), serverPort, "replica-1"),
                serverEnvironment(bootstrap))) {
          server.awaitOutput("agent API on", Duration.ofSeconds(60));
          await()
              .atMost(Duration.ofSeconds(30))
              .pollInterval(Duration.ofMillis(200))
              .until(
                  () ->
                      ImdsClient.get(
                                  "127.0.0.1",
                                  imdsPort,
                                  "/latest/meta-data/iam/security-credentials/")
                              .status()
                          == 200);

          Path home = Files.createDirectories(workDir.resolve("home"));
          IsolatedProcess.Result cli =
              IsolatedProcess.run(
                  home,
                  Map.of(
                      "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                      "http://127.0.0.1:" + imdsPort + "/",
                      "AWS_EC2_METADATA_DISABLED",
                      "false"),
                  List.of(
                      SystemTools.awsCli().toString(),
                      "sts",
                      "get-caller-identity",
                      "--endpoint-url",
                      "http://127.0.0.1:" + stsAddress.getPort(),
                      "--region",
                      "us-east-1",
                      "--output",
                      "text",
                      "--query",
                      "Arn"));

          assertThat(cli.exitCode()).as(cli.stderr()).isZero();
          assertThat(cli.stdout().strip())
              .isEqualTo("arn:aws:sts::123456789012:assumed-role/shop-web/shop@web");
          // The pod on node-2 is the other agent's: this one never learns of it.
          assertThat(
                  ImdsClient.get(
                          "127.0.0.2", imdsPort, "/latest/meta-data/iam/security-credentials/")
                      .status())
              .isEqualTo(503);
          // One AssumeRole per session (node-1's and node-2's pods), made before anyone asked.
          assertThat(sts.stats().callCount("AssumeRole")).isEqualTo(2);
          assertThat(agent.output()).doesNotContain(bootstrap.secretAccessKey());
          assertThat(server.output()).doesNotContain(bootstrap.secretAccessKey());

          assertThat(server.stop(Duration.ofSeconds(20))).isIn(0, 143);
        }
        assertThat(agent.isAlive()).isTrue();
        // SIGTERM: the agent drains, answering (from memory, its server gone) until it stops.
        agent.terminate();
        agent.awaitOutput("stopping in", Duration.ofSeconds(10));
        assertThat(
                ImdsClient.get("127.0.0.1", imdsPort, "/latest/meta-data/iam/security-credentials/")
                    .status())
            .isEqualTo(200);
        assertThat(agent.stop(Duration.ofSeconds(20))).isIn(0, 143);
      }
    }
  }

  /**
   * The server's own credentials through the SDK's default chain as IRSA provides them in a
   * cluster: a web-identity token file and a role, no keys anywhere, no metadata service.
   */
  @Test
  void theServerGetsItsOwnCredentialsFromAWebIdentityTokenAsWithIrsa() throws Exception {
    makeCertificates(workDir);
    Path pods = workDir.resolve("pods.yaml");
    Files.writeString(pods, PODS);
    Path token = workDir.resolve("irsa-token");
    java.util.Base64.Encoder base64 = java.util.Base64.getUrlEncoder().withoutPadding();
    Files.writeString(
        token,
        base64.encodeToString(
                "{\"alg\":\"RS256\",\"kid\":\"test\"}".getBytes(StandardCharsets.UTF_8))
            + "."
            + base64.encodeToString(
                ("{\"iss\":\"https://oidc.example.test/cluster\","
                        + "\"sub\":\"system:serviceaccount:podium:podium-server\","
                        + "\"aud\":[\"sts.amazonaws.com\"],\"exp\":"
                        + java.time.Instant.now().plusSeconds(3600).getEpochSecond()
                        + "}")
                    .getBytes(StandardCharsets.UTF_8))
            + "."
            + base64.encodeToString("unsigned".getBytes(StandardCharsets.UTF_8)));
    int serverPort = PodiumProcess.freePort();
    int imdsPort = PodiumProcess.freePort();
    try (StsEmulator sts =
        StsEmulator.builder().bootstrapCredentials(BootstrapCredentials.devDefaults()).build()) {
      int stsPort = sts.start(new InetSocketAddress("127.0.0.1", 0)).getPort();
      try (PodiumProcess server =
              PodiumProcess.start(
                  workDir,
                  serverArgs(workDir, pods, stsPort, serverPort, "replica-1"),
                  Map.of(
                      "AWS_ROLE_ARN",
                      "arn:aws:iam::123456789012:role/podium-server",
                      "AWS_WEB_IDENTITY_TOKEN_FILE",
                      token.toString(),
                      "AWS_ROLE_SESSION_NAME",
                      "podium-server",
                      "AWS_ENDPOINT_URL_STS",
                      "http://127.0.0.1:" + stsPort));
          PodiumProcess agent =
              PodiumProcess.start(workDir, agentArgs(workDir, List.of(serverPort), imdsPort))) {
        server.awaitOutput("agent API on", Duration.ofSeconds(60));
        agent.awaitOutput("metadata API on", Duration.ofSeconds(60));
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(200))
            .until(
                () ->
                    ImdsClient.get(
                                "127.0.0.1",
                                imdsPort,
                                "/latest/meta-data/iam/security-credentials/shop-web")
                            .status()
                        == 200);

        assertThat(sts.stats().callCount("AssumeRoleWithWebIdentity")).isGreaterThanOrEqualTo(1);
        assertThat(sts.stats().callCount("AssumeRole")).isEqualTo(2);
      }
    }
  }
}
