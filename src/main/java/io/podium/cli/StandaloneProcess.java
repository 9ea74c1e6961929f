package io.podium.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.podium.agent.ImdsDocuments;
import io.podium.agent.ImdsRenderer;
import io.podium.agent.MetadataServer;
import io.podium.agent.MetadataSettings;
import io.podium.aws.StsCredentialIssuer;
import io.podium.aws.StsSettings;
import io.podium.core.BrokerSettings;
import io.podium.core.CallerCredentials;
import io.podium.core.CredentialBroker;
import io.podium.core.ExecutorScheduler;
import io.podium.core.PodCredentialService;
import io.podium.core.Prefetcher;
import io.podium.core.ReportingCallerCredentials;
import io.podium.core.RoleBaseArn;
import io.podium.core.RoleDecider;
import io.podium.kubernetes.FilePodDirectory;
import io.podium.kubernetes.InformerPodDirectory;
import io.podium.kubernetes.KubernetesPodEvents;
import io.podium.metrics.BrokerMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import tools.jackson.databind.json.JsonMapper;

/**
 * The composition root of {@code podium standalone} and {@code podium dev}: the metadata API, the
 * credential broker and a pod source in one process. Builds every part with {@code new} and closes
 * them in reverse order.
 */
final class StandaloneProcess implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StandaloneProcess.class);

  /** Where pods come from. */
  sealed interface PodSource {
    /** A file of manifests ({@code podium dev}, or {@code --pods-file}). */
    record File(Path path) implements PodSource {}

    /**
     * The cluster's API server, watching the pods of {@code node}.
     *
     * @param client opens the API client (validated by the command; opened when the process starts)
     */
    record Cluster(
        Supplier<KubernetesClient> client, String node, Duration podWait, Duration syncTimeout)
        implements PodSource {}
  }

  /** Everything the process needs, validated by the command that built it. */
  record Config(
      PodSource pods,
      Optional<RoleBaseArn> roleBaseArn,
      RoleDecider decider,
      BrokerSettings broker,
      Duration stsWait,
      StsSettings sts,
      MetadataSettings metadata) {}

  private final Deque<AutoCloseable> closeInReverse = new ArrayDeque<>();
  private final MetadataServer metadataServer;
  private final CredentialBroker<ImdsDocuments> broker;

  private StandaloneProcess(
      Config config, AwsCredentialsProvider baseCredentials, PrometheusRegistry registry) {
    try {
      Clock clock = Clock.systemUTC();
      ScheduledExecutorService timers =
          Executors.newSingleThreadScheduledExecutor(
              Thread.ofPlatform().name("podium-timers").daemon().factory());
      closeInReverse.push(() -> shutdown(timers));
      ExecutorService stsCalls =
          Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("podium-sts-", 0).factory());
      closeInReverse.push(() -> shutdown(stsCalls));
      ExecutorScheduler scheduler = new ExecutorScheduler(timers);

      StsCredentialIssuer issuer =
          new StsCredentialIssuer(config.sts(), baseCredentials, registry, clock);
      closeInReverse.push(issuer);

      BrokerMetrics brokerMetrics = new BrokerMetrics(registry);
      broker =
          new CredentialBroker<>(
              issuer,
              new ImdsRenderer(JsonMapper.builder().build()),
              config.broker(),
              clock,
              scheduler,
              stsCalls,
              brokerMetrics,
              new Random());
      brokerMetrics.watch(broker::sessionCount, broker::queuedCalls);
      brokerMetrics.watchPrefetches(broker::pendingPrefetches);

      CallerCredentials<ImdsDocuments> callers =
          switch (config.pods()) {
            case PodSource.File file -> fromFile(file, config, clock, scheduler);
            case PodSource.Cluster cluster ->
                fromCluster(cluster, config, clock, scheduler, registry);
          };
      metadataServer = new MetadataServer(config.metadata(), callers, registry, clock);
      closeInReverse.push(metadataServer);
      metadataServer.start();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private CallerCredentials<ImdsDocuments> fromFile(
      PodSource.File file, Config config, Clock clock, ExecutorScheduler scheduler) {
    FilePodDirectory directory =
        new FilePodDirectory(
            file.path(),
            config.roleBaseArn(),
            List.of(),
            FilePodDirectory.DEFAULT_POLL_INTERVAL,
            clock,
            scheduler);
    closeInReverse.push(directory);
    // Pods already in the file are replayed to the prefetcher: their STS calls start now.
    directory.addListener(
        new Prefetcher(broker, config.decider(), directory::namespacePolicy, clock));
    directory.start();
    return new PodCredentialService<>(
        directory, config.decider(), broker, scheduler, config.stsWait());
  }

  private CallerCredentials<ImdsDocuments> fromCluster(
      PodSource.Cluster cluster,
      Config config,
      Clock clock,
      ExecutorScheduler scheduler,
      PrometheusRegistry registry) {
    KubernetesClient client = cluster.client().get();
    closeInReverse.push(client);
    InformerPodDirectory directory =
        new InformerPodDirectory(
            client,
            new InformerPodDirectory.Settings(
                cluster.node(), config.roleBaseArn(), cluster.podWait(), cluster.syncTimeout()),
            clock,
            scheduler,
            registry);
    closeInReverse.push(directory);
    KubernetesPodEvents events =
        new KubernetesPodEvents(
            client, cluster.node(), clock, KubernetesPodEvents.DEFAULT_INTERVAL, registry);
    closeInReverse.push(events);
    // Synced first, so that the pods replayed to the prefetcher are judged with their policies.
    directory.start();
    directory.addListener(
        new Prefetcher(broker, config.decider(), directory::namespacePolicy, clock, events));
    return new ReportingCallerCredentials<>(
        new PodCredentialService<>(
            directory, config.decider(), broker, scheduler, config.stsWait()),
        events);
  }

  /**
   * Starts the process; on failure, closes whatever had started.
   *
   * @param baseCredentials Podium's own AWS credentials (the SDK default chain in production)
   */
  static StandaloneProcess start(
      Config config, AwsCredentialsProvider baseCredentials, PrometheusRegistry registry) {
    return new StandaloneProcess(config, baseCredentials, registry);
  }

  InetSocketAddress metadataAddress() {
    return metadataServer.address();
  }

  int sessionCount() {
    return broker.sessionCount();
  }

  @Override
  public void close() {
    while (!closeInReverse.isEmpty()) {
      AutoCloseable part = closeInReverse.pop();
      try {
        part.close();
      } catch (Exception e) {
        log.warn("error while stopping {}", part, e);
      }
    }
  }

  private static void shutdown(ExecutorService executor) throws InterruptedException {
    executor.shutdownNow();
    if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
      log.warn("an executor did not stop within 5 s");
    }
  }
}
