package io.podium.cli;

import io.podium.agent.ImdsDocuments;
import io.podium.agent.ImdsRenderer;
import io.podium.agent.MetadataServer;
import io.podium.agent.MetadataSettings;
import io.podium.aws.StsCredentialIssuer;
import io.podium.aws.StsSettings;
import io.podium.core.BrokerSettings;
import io.podium.core.CredentialBroker;
import io.podium.core.ExecutorScheduler;
import io.podium.core.PodCredentialService;
import io.podium.core.Prefetcher;
import io.podium.core.RoleBaseArn;
import io.podium.core.RoleDecider;
import io.podium.kubernetes.FilePodDirectory;
import io.podium.metrics.BrokerMetrics;
import io.podium.node.InterceptionSettings;
import io.podium.node.ProcessCommandRunner;
import io.podium.node.RuleManager;
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

  /** Everything the process needs, validated by the command that built it. */
  record Config(
      Path podsFile,
      Optional<RoleBaseArn> roleBaseArn,
      RoleDecider decider,
      BrokerSettings broker,
      Duration stsWait,
      StsSettings sts,
      MetadataSettings metadata,
      Optional<InterceptionSettings> interception) {}

  private final Deque<AutoCloseable> closeInReverse = new ArrayDeque<>();
  private final MetadataServer metadataServer;
  private final CredentialBroker<ImdsDocuments> broker;
  private final Optional<RuleManager> interceptionRules;

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

      // The rule goes in before the metadata API answers: a pod that races the start-up is
      // refused, never sent to the node's own credentials. Closing stops the checks only.
      interceptionRules =
          config.interception().map(settings -> startInterception(settings, registry));

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

      FilePodDirectory directory =
          new FilePodDirectory(
              config.podsFile(),
              config.roleBaseArn(),
              // Callers from the addresses the rule sends pods to are the node itself: 403.
              config.interception().map(InterceptionSettings::hostAddresses).orElse(List.of()),
              FilePodDirectory.DEFAULT_POLL_INTERVAL,
              clock,
              scheduler);
      closeInReverse.push(directory);
      // Pods already in the file are replayed to the prefetcher: their STS calls start now.
      directory.addListener(
          new Prefetcher(broker, config.decider(), directory::namespacePolicy, clock));
      directory.start();

      PodCredentialService<ImdsDocuments> callers =
          new PodCredentialService<>(
              directory, config.decider(), broker, scheduler, config.stsWait());
      metadataServer = new MetadataServer(config.metadata(), callers, registry, clock);
      closeInReverse.push(metadataServer);
      metadataServer.start();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Installs the rule now and checks it from then on, on a thread of its own. */
  private RuleManager startInterception(
      InterceptionSettings settings, PrometheusRegistry registry) {
    // Checks run programs that may take seconds on a busy node: never on the broker's timers.
    ScheduledExecutorService checks =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("podium-interception").daemon().factory());
    closeInReverse.push(() -> shutdown(checks));
    RuleManager rules =
        RuleManager.create(
            settings,
            new ProcessCommandRunner(RulesOnce.COMMAND_TIMEOUT),
            new ExecutorScheduler(checks),
            registry);
    closeInReverse.push(rules);
    rules.install();
    rules.startChecking();
    return rules;
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

  /** Whether the process may receive pods: the interception rule, when managed, is in place. */
  boolean ready() {
    return interceptionRules.map(RuleManager::ready).orElse(true);
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
