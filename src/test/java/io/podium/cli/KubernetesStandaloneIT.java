package io.podium.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.podium.stsemulator.BootstrapCredentials;
import io.podium.stsemulator.StsEmulator;
import io.podium.testing.ApiObjects;
import io.podium.testing.IsolatedProcess;
import io.podium.testing.KubernetesApiMock;
import io.podium.testing.PodiumProcess;
import io.podium.testing.Scrape;
import io.podium.testing.SystemTools;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;

/**
 * {@code podium standalone --kubeconfig … --node node-1} as a real process against the mock API
 * server, with STS at an in-process emulator: the Java SDK and the AWS CLI v2 get the role of the
 * pod at 127.0.0.1 from the cluster, a pod on another node with the same IP is invisible, a denied
 * pod gets an Event, and pod churn on one IP is served right through the metadata server.
 */
class KubernetesStandaloneIT {

  private static final String ROLES = "arn:aws:iam::123456789012:role/";

  @TempDir static Path workDir;

  private static KubernetesApiMock api;
  private static NamespacedKubernetesClient cluster;
  private static StsEmulator sts;
  private static PodiumProcess podium;
  private static final String READY_TAINT = "podium.io/agent-not-ready";
  private static int imdsPort;
  private static int metricsPort;
  private static int stsPort;

  @BeforeAll
  static void startClusterStsAndPodium() throws Exception {
    api = KubernetesApiMock.start();
    cluster = api.client();
    cluster.resource(ApiObjects.namespace("shop", "shop-.*")).create();
    cluster
        .resource(ApiObjects.pod("shop", "web").ip("127.0.0.1").role("shop-web").build())
        .create();
    cluster
        .resource(
            ApiObjects.pod("shop", "elsewhere")
                .onNode("node-2")
                .ip("127.0.0.1")
                .role("shop-other")
                .build())
        .create();
    cluster
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName("node-1")
                .endMetadata()
                .withNewSpec()
                .addNewTaint()
                .withKey(READY_TAINT)
                .withEffect("NoSchedule")
                .endTaint()
                .addNewTaint()
                .withKey("someone-elses")
                .withEffect("NoExecute")
                .endTaint()
                .endSpec()
                .build())
        .create();
    Path kubeconfig = api.writeKubeconfig(workDir.resolve("kubeconfig"));

    BootstrapCredentials bootstrap = BootstrapCredentials.devDefaults();
    sts = StsEmulator.builder().bootstrapCredentials(bootstrap).build();
    stsPort = sts.start(new InetSocketAddress("127.0.0.1", 0)).getPort();
    imdsPort = PodiumProcess.freePort();
    metricsPort = PodiumProcess.freePort();
    podium =
        PodiumProcess.start(
            workDir,
            List.of(
                "standalone",
                "--kubeconfig",
                kubeconfig.toString(),
                "--node",
                "node-1",
                "--region",
                "us-east-1",
                "--sts-endpoint",
                "http://127.0.0.1:" + stsPort,
                "--role-base-arn",
                ROLES,
                "--container-credentials-listen",
                "none",
                "--imds-listen",
                "127.0.0.1:" + imdsPort,
                "--metadata-upstream",
                "none",
                "--max-requests-per-second",
                "0",
                "--ready-taint",
                READY_TAINT,
                "--metrics-listen",
                "127.0.0.1:" + metricsPort),
            Map.of(
                "AWS_ACCESS_KEY_ID", bootstrap.accessKeyId(),
                "AWS_SECRET_ACCESS_KEY", bootstrap.secretAccessKey()));
    podium.awaitOutput("metadata API on", Duration.ofSeconds(60));
  }

  @AfterAll
  static void stopEverything() throws Exception {
    if (podium != null) {
      podium.stop(Duration.ofSeconds(20));
      podium.close();
    }
    if (sts != null) {
      sts.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    if (api != null) {
      api.close();
    }
  }

  @Test
  void watchesOnlyItsNodeAndTheJavaSdkGetsThePodsRole() {
    AwsCredentials credentials;
    try (InstanceProfileCredentialsProvider provider =
        InstanceProfileCredentialsProvider.builder()
            .endpoint("http://127.0.0.1:" + imdsPort)
            .build()) {
      credentials = provider.resolveCredentials();
    }

    assertThat(credentials).isInstanceOf(AwsSessionCredentials.class);
    assertThat(credentials.accessKeyId()).startsWith("ASIA");
    assertThat(api.podWatchRequests())
        .isNotEmpty()
        .allMatch(path -> path.contains("fieldSelector=spec.nodeName=node-1"));
    assertThat(podium.output())
        .doesNotContain(credentials.secretAccessKey())
        .doesNotContain(((AwsSessionCredentials) credentials).sessionToken());
  }

  @Test
  void isReadyOnceItsInformersHaveSyncedAndExportsTheirState() throws Exception {
    var ready = Scrape.get(metricsPort, "/readyz");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).contains("[+]pods-synced ok", "[+]metadata-api ok");
    Scrape metrics = Scrape.of(metricsPort);
    assertThat(metrics.value("podium_kubernetes_informer_synced{resource=\"pods\"}")).isEqualTo(1);
    assertThat(metrics.value("podium_kubernetes_informer_watching{resource=\"namespaces\"}"))
        .isEqualTo(1);
    assertThat(metrics.value("podium_kubernetes_pods")).isPositive();
  }

  @Test
  void removesOnlyItsStartUpTaintOnceItServes() {
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(cluster.nodes().withName("node-1").get().getSpec().getTaints())
                    .extracting(Taint::getKey)
                    .containsExactly("someone-elses"));
  }

  @Test
  void theAwsCliSeesTheAssumedRoleOfThePodFromTheCluster() throws Exception {
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
    assertThat(result.stdout()).contains("assumed-role/shop-web/shop@web");
  }

  @Test
  void aDeniedPodGetsAnEventFromThePodiumProcess() throws Exception {
    cluster
        .resource(ApiObjects.pod("shop", "rogue").ip("127.0.0.9").role("admin").build())
        .create();

    assertThat(get("127.0.0.9", "/latest/meta-data/iam/security-credentials/")).startsWith("403 ");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                !KubernetesApiMock.podEvents(cluster, "shop", "rogue", "IAMRoleDenied").isEmpty());
  }

  @Test
  void podChurnOnOneIpIsServedRightThroughTheMetadataServer() throws Exception {
    String ip = "127.0.0.3";
    String list = "/latest/meta-data/iam/security-credentials/";
    int cycles = 30;
    int staleAnswers = 0;
    for (int cycle = 0; cycle < cycles; cycle++) {
      String a = "churn-a-" + cycle;
      String b = "churn-b-" + cycle;
      cluster.resource(ApiObjects.pod("shop", a).ip(ip).role("shop-a").build()).create();
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(5))
          .until(() -> get(ip, list).equals("200 shop-a"));

      cluster.pods().inNamespace("shop").withName(a).delete();
      cluster.resource(ApiObjects.pod("shop", b).ip(ip).role("shop-b").build()).create();
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(5))
          .until(() -> get(ip, list).equals("200 shop-b"));
      // Once B has been seen, A is never served again.
      for (int i = 0; i < 20; i++) {
        if (!get(ip, list).equals("200 shop-b")) {
          staleAnswers++;
        }
      }
      cluster.pods().inNamespace("shop").withName(b).delete();
    }

    assertThat(staleAnswers).isZero();
  }

  /** One request from {@code source}: {@code "<status> <body>"}. */
  private static String get(String source, String path) throws IOException {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), imdsPort), 2000);
      socket.setSoTimeout(5000);
      String request =
          "GET " + path + " HTTP/1.1\r\nHost: 169.254.169.254\r\nConnection: close\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      in.transferTo(response);
      String text = response.toString(StandardCharsets.UTF_8);
      String status = text.substring(text.indexOf(' ') + 1, text.indexOf(' ') + 4);
      String body = text.substring(text.indexOf("\r\n\r\n") + 4);
      return status + " " + body;
    }
  }
}
