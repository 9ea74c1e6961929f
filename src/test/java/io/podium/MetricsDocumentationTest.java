package io.podium;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.grpc.InsecureChannelCredentials;
import io.podium.agent.ServerAddress;
import io.podium.agent.ServerConnections;
import io.podium.aws.StsCredentialIssuer;
import io.podium.aws.StsSettings;
import io.podium.containercredentials.ContainerCredentialsServer;
import io.podium.containercredentials.ContainerCredentialsSettings;
import io.podium.containercredentials.ServiceAccountKeys;
import io.podium.core.CallerCredentials;
import io.podium.core.CredentialOutcome;
import io.podium.core.RoleOutcome;
import io.podium.imds.ImdsDocuments;
import io.podium.imds.MetadataServer;
import io.podium.imds.MetadataSettings;
import io.podium.interception.BackendChoice;
import io.podium.interception.CommandRunner;
import io.podium.interception.InterceptionSettings;
import io.podium.interception.InterfaceMatch;
import io.podium.interception.PodTraffic;
import io.podium.interception.RuleManager;
import io.podium.kubernetes.InformerPodDirectory;
import io.podium.kubernetes.InformerServiceAccountDirectory;
import io.podium.kubernetes.KubernetesPodEvents;
import io.podium.kubernetes.KubernetesServiceAccountEvents;
import io.podium.oidc.OidcMetrics;
import io.podium.ops.BrokerMetrics;
import io.podium.ops.Health;
import io.podium.ops.OpsServer;
import io.podium.server.NodeReports;
import io.podium.server.ServerMetrics;
import io.podium.testing.DocumentedMetrics;
import io.podium.testing.TestCertificates;
import io.podium.tls.ReloadingCertificate;
import io.podium.tls.ReloadingTls;
import io.podium.tls.TlsMetrics;
import io.podium.webhook.WebhookMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Every metric the parts register is documented in docs/metrics.md, and every metric the docs'
 * tables name is registered by some part.
 */
class MetricsDocumentationTest {

  @TempDir Path dir;

  @Test
  void everyRegisteredMetricIsInTheDocs() throws Exception {
    List<String> exported = exportedNames(dir);
    String docs = Files.readString(Path.of("docs/metrics.md"));

    assertThat(exported).hasSizeGreaterThanOrEqualTo(40);
    for (String name : exported) {
      assertThat(docs).as("docs/metrics.md documents %s", name).contains("`" + name + "`");
    }
  }

  @Test
  void everyMetricInTheDocsTablesIsRegistered() throws Exception {
    Set<String> exported = new TreeSet<>(exportedNames(dir));
    Set<String> documented = DocumentedMetrics.names();

    assertThat(documented).hasSizeGreaterThanOrEqualTo(40);
    assertThat(exported).containsAll(documented);
  }

  /**
   * The names every part's metrics are exported under, registered on one registry as the
   * composition roots do (nothing started).
   */
  static List<String> exportedNames(Path dir) throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    OpsServer.registerProcessMetrics(registry, new Health().ready("x", () -> true, "x"), "t", "0");
    ServerMetrics serverMetrics = new ServerMetrics(registry);
    serverMetrics.watch(() -> 0);
    serverMetrics.tooSlowAgents(() -> 0);
    new NodeReports(Optional.empty(), registry);
    Clock clock = Clock.systemUTC();
    BrokerMetrics brokerMetrics = new BrokerMetrics(registry);
    brokerMetrics.watch(() -> 0, () -> 0);
    brokerMetrics.watchPrefetches(() -> 0);
    brokerMetrics.watchStsRate(() -> 100);
    new OidcMetrics(registry);
    // Informers only talk to the API server once started: built here, they only register metrics.
    KubernetesClient kubernetes =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:9").build())
            .build();
    InformerPodDirectory directory =
        new InformerPodDirectory(
            kubernetes,
            new InformerPodDirectory.Settings(
                "node-1", Optional.empty(), Duration.ofMillis(500), Duration.ofSeconds(1)),
            clock,
            (delay, task) -> () -> {},
            registry);
    KubernetesPodEvents events =
        new KubernetesPodEvents(
            kubernetes, "node-1", clock, KubernetesPodEvents.DEFAULT_INTERVAL, registry);
    StsCredentialIssuer issuer =
        new StsCredentialIssuer(
            StsSettings.forRegion(Region.US_EAST_1)
                .withEndpointOverride(URI.create("http://127.0.0.1:9")),
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "x")),
            registry,
            clock);
    MetadataServer server =
        new MetadataServer(MetadataSettings.builder().build(), new NobodyHere(), registry, clock);
    // Native nftables needs nothing but nft to be "installed"; nothing is run.
    RuleManager rules =
        RuleManager.create(
            InterceptionSettings.forListener(
                List.of(InterfaceMatch.parse("cali+")),
                Optional.of(InetAddress.ofLiteral("10.0.0.1")),
                Optional.of(InetAddress.ofLiteral("fd00::1")),
                new InetSocketAddress(8181),
                BackendChoice.NFTABLES,
                Duration.ofSeconds(10),
                true),
            new NftOnly(),
            (delay, task) -> () -> {},
            registry,
            new PodTraffic());
    ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    ReloadingTls tls =
        ReloadingTls.load(
            TestCertificates.copyTo(dir).server(),
            ReloadingTls.Side.SERVER,
            Duration.ofMinutes(1),
            timers);
    TlsMetrics.register(registry, tls);
    ReloadingCertificate webhookCertificate =
        ReloadingCertificate.load(
            dir.resolve("good/server.crt"),
            dir.resolve("good/server.key"),
            Duration.ofMinutes(1),
            timers);
    TlsMetrics.register(registry, webhookCertificate);
    WebhookMetrics webhookMetrics = new WebhookMetrics(registry);
    InformerServiceAccountDirectory accounts =
        new InformerServiceAccountDirectory(
            kubernetes,
            new InformerServiceAccountDirectory.Settings(
                Set.of("eks.amazonaws.com"),
                Optional.empty(),
                Duration.ofSeconds(1),
                Duration.ofSeconds(1)),
            registry);
    KubernetesServiceAccountEvents accountEvents =
        new KubernetesServiceAccountEvents(
            kubernetes,
            "webhook-0",
            clock,
            KubernetesServiceAccountEvents.DEFAULT_INTERVAL,
            registry);
    ServerConnections agent =
        new ServerConnections(
            new ServerConnections.Settings(
                List.of(new ServerAddress("127.0.0.1", 9)),
                "node-a",
                Duration.ofSeconds(1),
                Duration.ofMillis(100),
                Duration.ofMinutes(1),
                Duration.ofMinutes(20),
                Duration.ofSeconds(30),
                "test"),
            InsecureChannelCredentials.create(),
            null,
            clock,
            timers,
            registry);
    // Built, never started: it only registers its metrics.
    ContainerCredentialsServer containerCredentials =
        new ContainerCredentialsServer(
            new ContainerCredentialsSettings(
                List.of(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 0)),
                ContainerCredentialsSettings.DEFAULT_AUDIENCE,
                MetadataSettings.builder().build()),
            new ServiceAccountKeys(),
            (claim, caller) -> new java.util.concurrent.CompletableFuture<>(),
            registry,
            clock);
    try {
      return registry.scrape().stream().map(MetricsDocumentationTest::exportedName).toList();
    } finally {
      containerCredentials.close();
      rules.close();
      agent.close();
      accountEvents.close();
      accounts.close();
      webhookMetrics.close();
      webhookCertificate.close();
      tls.close();
      timers.shutdownNow();
      server.close();
      issuer.close();
      events.close();
      directory.close();
      kubernetes.close();
    }
  }

  /** The name as scraped: counters carry a {@code _total} suffix their snapshot leaves out. */
  private static String exportedName(MetricSnapshot snapshot) {
    String name = snapshot.getMetadata().getPrometheusName();
    return switch (snapshot) {
      case CounterSnapshot _ -> name + "_total";
      case InfoSnapshot _ -> name + "_info";
      default -> name;
    };
  }

  private static final class NftOnly implements CommandRunner {
    @Override
    public boolean available(String program) {
      return program.equals("nft");
    }

    @Override
    public Result run(List<String> command, String stdin) {
      throw new AssertionError("nothing may run: " + command);
    }
  }

  private static final class NobodyHere implements CallerCredentials<ImdsDocuments> {
    @Override
    public CompletionStage<RoleOutcome> role(InetAddress caller) {
      return CompletableFuture.completedFuture(new RoleOutcome.Unavailable("nobody"));
    }

    @Override
    public CompletionStage<CredentialOutcome<ImdsDocuments>> credentials(InetAddress caller) {
      return CompletableFuture.completedFuture(
          new CredentialOutcome.NotIssued<>(new RoleOutcome.Unavailable("nobody")));
    }
  }
}
