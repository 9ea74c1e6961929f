package io.podium.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podium.agent.ServerAddress;
import io.podium.agent.ServerConnections;
import io.podium.core.pod.PodIdentity;
import io.podium.imds.MetadataServer;
import io.podium.imds.MetadataSettings;
import io.podium.testing.ImdsClient;
import io.podium.testing.MutableClock;
import io.podium.testing.TestCertificates;
import io.podium.testing.TestPods;
import io.podium.tls.ReloadingTls;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real agent (server connections + the metadata API) against a real server over mutual TLS, in
 * one JVM: pods at loopback addresses, requests from those addresses.
 */
class AgentAgainstServerIT {

  private static final String CREDENTIALS = "/latest/meta-data/iam/security-credentials/shop-web";

  @TempDir Path dir;

  private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);
  private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
  private final List<AutoCloseable> closeInReverse = new ArrayList<>();
  private final PodIdentity web =
      TestPods.running("shop", "web")
          .onNode("node-a")
          .withIp("127.0.0.2")
          .withRole("shop-web")
          .build();
  private final PodIdentity db =
      TestPods.running("shop", "db")
          .onNode("node-b")
          .withIp("127.0.0.3")
          .withRole("shop-web")
          .build();
  private TestCertificates certs;
  private InProcessAgentApi api;
  private MutableClock agentClock;
  private int serverPort;

  @BeforeEach
  void setUp() throws Exception {
    certs = TestCertificates.copyTo(dir);
    api = new InProcessAgentApi();
    closeInReverse.add(api);
    agentClock = new MutableClock(api.clock.instant());
    api.permit("shop", "shop-.*");
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      serverPort = probe.getLocalPort();
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closeInReverse.size() - 1; i >= 0; i--) {
      closeInReverse.get(i).close();
    }
    timers.shutdownNow();
    calls.shutdownNow();
  }

  private AgentApiServer startServer() {
    ReloadingTls tls =
        ReloadingTls.load(certs.server(), ReloadingTls.Side.SERVER, Duration.ofSeconds(30), timers);
    closeInReverse.add(tls);
    AgentApiServer server =
        new AgentApiServer(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort),
                null,
                tls.serverCredentials(),
                api.service,
                new CertificateNodeAuthenticator(),
                calls)
            .start();
    closeInReverse.add(server);
    return server;
  }

  /** The agent of node-a; returns the metadata API's port. */
  private int startAgent(ServerConnections[] holder) {
    ReloadingTls tls =
        ReloadingTls.load(
            certs.agent("node-a"), ReloadingTls.Side.AGENT, Duration.ofSeconds(30), timers);
    closeInReverse.add(tls);
    PrometheusRegistry registry = new PrometheusRegistry();
    ServerConnections connections =
        new ServerConnections(
            new ServerConnections.Settings(
                List.of(new ServerAddress("127.0.0.1", serverPort)),
                "node-a",
                Duration.ofMillis(800),
                Duration.ofMillis(100),
                Duration.ofMinutes(1),
                Duration.ofMinutes(20),
                Duration.ofSeconds(30),
                "test"),
            tls.channelCredentials(),
            null,
            agentClock,
            timers,
            registry);
    closeInReverse.add(connections);
    MetadataServer metadata =
        new MetadataServer(
            MetadataSettings.builder().region("us-east-1").build(),
            connections.callers(),
            registry,
            agentClock);
    closeInReverse.add(metadata);
    metadata.start();
    connections.start();
    if (holder != null) {
      holder[0] = connections;
    }
    return metadata.port();
  }

  private static ImdsClient.Response get(String source, int port) throws Exception {
    return ImdsClient.get(source, port, CREDENTIALS);
  }

  @Test
  void servesItsOwnPodsFromMemoryAndNeverAnotherNodes() throws Exception {
    api.add(web);
    api.add(db);
    startServer();
    ServerConnections[] agent = new ServerConnections[1];
    int port = startAgent(agent);
    await().atMost(Duration.ofSeconds(20)).until(() -> agent[0].everSynced());
    int stsCalls = api.issuer.calls();

    ImdsClient.Response mine = get("127.0.0.2", port);
    ImdsClient.Response theirs = get("127.0.0.3", port);

    assertThat(mine.status()).isEqualTo(200);
    assertThat(mine.body()).contains("\"AccessKeyId\":\"ASIAFAKE");
    assertThat(theirs.status()).isEqualTo(503);
    assertThat(theirs.body()).doesNotContain("AccessKeyId");
    assertThat(api.issuer.calls()).isEqualTo(stsCalls);
  }

  @Test
  void aPodTheStreamHasNotBroughtYetIsLookedUpAndServed() throws Exception {
    startServer();
    ServerConnections[] agent = new ServerConnections[1];
    int port = startAgent(agent);
    await().atMost(Duration.ofSeconds(20)).until(() -> agent[0].everSynced());

    // Only the directory knows the pod: its event has not reached the hub (and the stream) yet.
    api.directory.index.upsert(web);
    ImdsClient.Response response = get("127.0.0.2", port);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).contains("\"AccessKeyId\":\"ASIAFAKE");
  }

  @Test
  void aCallerAtANodesAddressIsRefusedAtOnceAndNeverGivenARole() throws Exception {
    api.add(web);
    // In a cluster the server knows every node's addresses from its pods' status.hostIPs.
    api.directory.index.setNodeAddresses(List.of(InetAddress.getByName("127.0.0.9")));
    startServer();
    ServerConnections[] agent = new ServerConnections[1];
    int port = startAgent(agent);
    await().atMost(Duration.ofSeconds(20)).until(() -> agent[0].everSynced());

    ImdsClient.Response node = get("127.0.0.9", port);

    assertThat(node.status()).isEqualTo(403);
    assertThat(node.body()).doesNotContain("AccessKeyId");
  }

  @Test
  void startedBeforeItsServerAnswers503UntilTheServerHasSyncedThenCorrectly() throws Exception {
    api.add(web);
    ServerConnections[] agent = new ServerConnections[1];
    int port = startAgent(agent);

    assertThat(get("127.0.0.2", port).status()).isEqualTo(503);
    api.ready.set(false);
    startServer();
    assertThat(get("127.0.0.2", port).status()).isEqualTo(503);

    api.ready.set(true);
    await().atMost(Duration.ofSeconds(20)).until(() -> agent[0].everSynced());
    assertThat(get("127.0.0.2", port).status()).isEqualTo(200);
  }

  @Test
  void keepsServingCachedCredentialsWhileItsServersAreAwayUntilTheyNearExpiry() throws Exception {
    api.add(web);
    AgentApiServer server = startServer();
    ServerConnections[] agent = new ServerConnections[1];
    int port = startAgent(agent);
    await().atMost(Duration.ofSeconds(20)).until(() -> agent[0].everSynced());
    String first = get("127.0.0.2", port).body();

    server.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> agent[0].syncedServers() == 0);
    agentClock.advance(Duration.ofMinutes(45));
    ImdsClient.Response stillServed = get("127.0.0.2", port);
    agentClock.advance(Duration.ofMinutes(14).plusSeconds(30));
    ImdsClient.Response nearExpiry = get("127.0.0.2", port);

    // 15 minutes left: under --min-remaining, over the 1-minute outage floor.
    assertThat(stillServed.status()).isEqualTo(200);
    assertThat(stillServed.body()).isEqualTo(first);
    // 30 seconds left: no client is handed credentials about to expire.
    assertThat(nearExpiry.status()).isEqualTo(503);
  }
}
