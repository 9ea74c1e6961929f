package io.podium.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podium.oidc.IssuerUrl;
import io.podium.oidc.ServiceAccountTokenMinter;
import io.podium.oidc.ServiceAccountTokenMinter.BoundPod;
import io.podium.oidc.TestKeys;
import io.podium.stsemulator.BootstrapCredentials;
import io.podium.stsemulator.StsEmulator;
import io.podium.testing.IsolatedProcess;
import io.podium.testing.PodiumProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code podium server} and {@code podium agent} as separate processes: the server reads the
 * cluster's service-account keys from a file and sends them to the agent on the Watch stream; the
 * agent, with no keys and no Kubernetes access of its own, verifies a pod's token and answers the
 * AWS SDK for Java v2 from memory. Tokens of another node's pod are refused.
 */
class AgentContainerCredentialsIT {

  private static final String ISSUER = "https://oidc.cluster.test";
  private static final String WEB_UID = "3d1c7a52-0000-4000-8000-000000000001";
  private static final String DB_UID = "3d1c7a52-0000-4000-8000-000000000002";

  @TempDir Path workDir;

  @Test
  void theAgentVerifiesTokensWithTheKeysItsServerSends() throws Exception {
    AgentServerIT.makeCertificates(workDir);
    Path pods = Files.writeString(workDir.resolve("pods.yaml"), AgentServerIT.PODS);
    KeyPair signing = TestKeys.rsa();
    Path publicKey = Files.writeString(workDir.resolve("sa.pub"), TestKeys.publicPem(signing));
    ServiceAccountTokenMinter cluster =
        new ServiceAccountTokenMinter(IssuerUrl.parse(ISSUER), signing);
    Path webToken = token(cluster, new BoundPod("shop", "web", WEB_UID, "default", "node-1"));
    Path dbToken = token(cluster, new BoundPod("shop", "db", DB_UID, "default", "node-2"));
    int serverPort = PodiumProcess.freePort();
    int imdsPort = PodiumProcess.freePort();
    int endpointPort = PodiumProcess.freePort();
    BootstrapCredentials bootstrap = BootstrapCredentials.devDefaults();
    try (StsEmulator sts = StsEmulator.builder().bootstrapCredentials(bootstrap).build()) {
      int stsPort = sts.start(new InetSocketAddress("127.0.0.1", 0)).getPort();
      List<String> serverArgs =
          new ArrayList<>(
              AgentServerIT.serverArgs(workDir, pods, stsPort, serverPort, "replica-1"));
      serverArgs.addAll(
          List.of(
              "--service-account-key-file",
              publicKey.toString(),
              "--service-account-issuer",
              ISSUER));
      List<String> agentArgs =
          new ArrayList<>(AgentServerIT.agentArgs(workDir, List.of(serverPort), imdsPort));
      agentArgs.set(
          agentArgs.indexOf("--container-credentials-listen") + 1, "127.0.0.1:" + endpointPort);
      try (PodiumProcess server =
              PodiumProcess.start(workDir, serverArgs, AgentServerIT.serverEnvironment(bootstrap));
          PodiumProcess agent = PodiumProcess.start(workDir, agentArgs)) {
        server.awaitOutput("agent API on", Duration.ofSeconds(60));
        agent.awaitOutput("container credentials on", Duration.ofSeconds(60));
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(200))
            .until(
                () -> get(endpointPort, "127.0.0.1", webToken), r -> r.startsWith("HTTP/1.1 200"));

        IsolatedProcess.Result java =
            IsolatedProcess.run(
                Files.createDirectories(workDir.resolve("home")),
                Map.of(
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                    "http://127.0.0.1:" + endpointPort + "/v1/credentials",
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                    webToken.toString()),
                javaClient("http://127.0.0.1:" + stsPort));
        assertThat(java.exitCode()).as(java.stderr()).isZero();
        assertThat(java.stdout())
            .contains("arn:aws:sts::123456789012:assumed-role/shop-web/shop@web");

        // node-2's pod, with its own valid token from its own address: not this agent's to serve.
        assertThat(get(endpointPort, "127.0.0.2", dbToken))
            .startsWith("HTTP/1.1 403")
            .contains("AccessDenied");
        // web's token from db's address: no pod of this node holds it, so nothing to serve.
        assertThat(get(endpointPort, "127.0.0.2", webToken))
            .startsWith("HTTP/1.1 503")
            .doesNotContain("SecretAccessKey");
        assertThat(agent.output()).contains("other_node");
        assertThat(agent.output())
            .doesNotContain(Files.readString(webToken).strip())
            .doesNotContain(bootstrap.secretAccessKey());
      }
    }
  }

  private Path token(ServiceAccountTokenMinter cluster, BoundPod pod) throws IOException {
    Instant now = Instant.now();
    Path file = workDir.resolve(pod.name() + ".token");
    return Files.writeString(
        file,
        cluster.mintForPod(
            pod, List.of("pods.eks.amazonaws.com"), now, now.plus(Duration.ofHours(1))));
  }

  /** {@code GET /v1/credentials} with {@code token} from a chosen loopback address. */
  private static String get(int port, String source, Path token) throws IOException {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(InetAddress.ofLiteral(source), 0));
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /v1/credentials HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                  + Files.readString(token).strip()
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static List<String> javaClient(String sts) {
    return List.of(
        ProcessHandle.current().info().command().orElseThrow(),
        "-Xmx128m",
        "-XX:TieredStopAtLevel=1",
        "-cp",
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        "io.podium.interception.JavaSdkIdentity",
        sts);
  }
}
