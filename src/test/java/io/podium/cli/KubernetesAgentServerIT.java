package io.podium.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.podium.stsemulator.BootstrapCredentials;
import io.podium.stsemulator.StsEmulator;
import io.podium.testing.ApiObjects;
import io.podium.testing.ImdsClient;
import io.podium.testing.IsolatedProcess;
import io.podium.testing.KubernetesApiMock;
import io.podium.testing.PodiumProcess;
import io.podium.testing.SystemTools;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code podium server} replicas watching the (mock) API server and sharing the STS work
 * through Leases in it, one {@code podium agent} of node-1, and the AWS CLI v2 as the pod: one
 * AssumeRole per session across both replicas, the other node's pod invisible to this agent.
 */
class KubernetesAgentServerIT {

  private static final String CREDENTIALS = "/latest/meta-data/iam/security-credentials/";

  @TempDir Path workDir;

  private List<String> server(Path kubeconfig, int stsPort, int port, String replica) {
    List<String> args =
        new ArrayList<>(
            AgentServerIT.serverArgs(workDir, Path.of("unused"), stsPort, port, replica));
    int podsFile = args.indexOf("--pods-file");
    args.remove(podsFile + 1);
    args.remove(podsFile);
    args.addAll(
        List.of(
            "--kubeconfig",
            kubeconfig.toString(),
            "--lease-namespace",
            "podium",
            "--lease-renew",
            "1s",
            // Long enough that a replica slowed down by its peers' start-up on a two-core machine
            // is not taken for dead (which would move sessions and cost STS calls).
            "--lease-duration",
            "10s"));
    return args;
  }

  @Test
  void replicasWatchingTheClusterServeTheAgentAndShareTheStsWork() throws Exception {
    AgentServerIT.makeCertificates(workDir);
    BootstrapCredentials bootstrap = BootstrapCredentials.devDefaults();
    List<PodiumProcess> processes = new ArrayList<>();
    try (KubernetesApiMock api = KubernetesApiMock.start();
        NamespacedKubernetesClient cluster = api.client();
        StsEmulator sts = StsEmulator.builder().bootstrapCredentials(bootstrap).build()) {
      cluster.resource(ApiObjects.namespace("shop", "shop-.*")).create();
      cluster
          .resource(
              new NamespaceBuilder().withNewMetadata().withName("podium").endMetadata().build())
          .create();
      Path kubeconfig = api.writeKubeconfig(workDir.resolve("kubeconfig"));
      int stsPort = sts.start(new InetSocketAddress("127.0.0.1", 0)).getPort();
      int portA = PodiumProcess.freePort();
      int portB = PodiumProcess.freePort();
      int imdsPort = PodiumProcess.freePort();
      var environment = AgentServerIT.serverEnvironment(bootstrap);
      PodiumProcess a =
          PodiumProcess.start(
              workDir, server(kubeconfig, stsPort, portA, "replica-a"), environment);
      processes.add(a);
      PodiumProcess b =
          PodiumProcess.start(
              workDir, server(kubeconfig, stsPort, portB, "replica-b"), environment);
      processes.add(b);
      PodiumProcess agent =
          PodiumProcess.start(
              workDir, AgentServerIT.agentArgs(workDir, List.of(portA, portB), imdsPort));
      processes.add(agent);
      for (PodiumProcess server : List.of(a, b)) {
        server.awaitOutput("agent API on", Duration.ofSeconds(60));
        // The latest view, not any earlier one: replicas may flap while both start.
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    server
                        .stdout()
                        .lines()
                        .filter(line -> line.contains("Server replicas now"))
                        .reduce((first, second) -> second)
                        .orElse("")
                        .endsWith("[replica-a, replica-b]"));
      }

      // The agent streams from both: each session's owner pushes its credentials to it. (An agent
      // that knew only the other replica would ask that one, which would then fetch them too.)
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  agent.stdout().lines().filter(l -> l.contains("Synced with server")).count()
                      >= 2);
      // Pods appear once both replicas know each other: each session gets one owner.
      cluster
          .resource(ApiObjects.pod("shop", "web").ip("127.0.0.1").role("shop-web").build())
          .create();
      cluster
          .resource(
              ApiObjects.pod("shop", "db").onNode("node-2").ip("127.0.0.2").role("shop-db").build())
          .create();
      // Each session's owner prefetches it before anyone asks. Waiting for that keeps the count
      // below about sharing: on a starved machine a replica's first, cold STS call can outlast the
      // agent's --lookup-deadline, and the agent then rightly asks the other replica, which
      // fetches too.
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> sts.stats().callCount("AssumeRole") >= 2);
      // The first answers may be slow while the JVMs are cold on a busy machine: a client that
      // gave up after 3 s simply asks again, as SDKs do.
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptionsInstanceOf(SocketTimeoutException.class)
          .until(
              () ->
                  ImdsClient.get("127.0.0.1", imdsPort, CREDENTIALS + "shop-web").status() == 200);

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
                  "http://127.0.0.1:" + stsPort,
                  "--region",
                  "us-east-1",
                  "--output",
                  "text",
                  "--query",
                  "Arn"));
      assertThat(cli.exitCode()).as(cli.stderr()).isZero();
      assertThat(cli.stdout().strip())
          .isEqualTo("arn:aws:sts::123456789012:assumed-role/shop-web/shop@web");
      assertThat(ImdsClient.get("127.0.0.2", imdsPort, CREDENTIALS).status()).isEqualTo(503);
      // A new pod of node-1, asked for at once: from the stream, or a lookup that waits for it.
      cluster
          .resource(ApiObjects.pod("shop", "cart").ip("127.0.0.3").role("shop-web").build())
          .create();
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(50))
          .ignoreExceptionsInstanceOf(SocketTimeoutException.class)
          .until(
              () ->
                  ImdsClient.get("127.0.0.3", imdsPort, CREDENTIALS + "shop-web").status() == 200);
      // Three sessions (one per pod: the session name is {namespace}@{pod}), two replicas: three
      // AssumeRole calls, where replicas that did not share would make six.
      // A replica that misses a lease renewal on a starved machine drops the other from its view
      // for a moment and fetches too; say so, with both views, if that is what happened.
      assertThat(sts.stats().callCount("AssumeRole"))
          .as("AssumeRole calls; replica views: a %s, b %s", replicaViews(a), replicaViews(b))
          .isEqualTo(3);
      assertThat(cluster.leases().inNamespace("podium").list().getItems()).hasSize(2);

      // A role the namespace does not permit: the replicas say so on the pod, as Events.
      cluster
          .resource(ApiObjects.pod("shop", "rogue").ip("127.0.0.4").role("admin").build())
          .create();
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () ->
                  KubernetesApiMock.podEvents(cluster, "shop", "rogue", "IAMRoleDenied").stream()
                      .anyMatch(
                          e ->
                              List.of("replica-a", "replica-b")
                                  .contains(e.getReportingInstance())));
    } finally {
      for (PodiumProcess process : processes) {
        process.close();
      }
    }
  }

  /** Each "Server replicas now" line a server logged, in order: how its view of the set changed. */
  private static List<String> replicaViews(PodiumProcess server) {
    return server
        .stdout()
        .lines()
        .filter(line -> line.contains("Server replicas now"))
        .map(line -> line.substring(line.indexOf("Server replicas now")))
        .toList();
  }
}
