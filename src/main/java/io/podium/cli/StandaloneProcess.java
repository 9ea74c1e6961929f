package io.podium.cli;

import io.podium.aws.StsSettings;
import io.podium.containercredentials.ContainerCredentialsServer;
import io.podium.containercredentials.ContainerCredentialsSettings;
import io.podium.containercredentials.KeyRefresher;
import io.podium.containercredentials.ServiceAccountKeys;
import io.podium.core.CallerCredentials;
import io.podium.core.PodClaims;
import io.podium.core.PodCredentialService;
import io.podium.core.PodSource;
import io.podium.core.Prefetcher;
import io.podium.core.ReportingCallerCredentials;
import io.podium.core.RoleDecider;
import io.podium.core.broker.BrokerSettings;
import io.podium.core.broker.CredentialBroker;
import io.podium.core.broker.ExecutorScheduler;
import io.podium.core.pod.PodChangeListener;
import io.podium.imds.ImdsDocuments;
import io.podium.imds.ImdsRenderer;
import io.podium.imds.MetadataServer;
import io.podium.imds.MetadataSettings;
import io.podium.interception.InterceptionSettings;
import io.podium.interception.NodeTaintRemover;
import io.podium.interception.PodTraffic;
import io.podium.interception.RuleManager;
import io.podium.ops.Health;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import tools.jackson.databind.json.JsonMapper;

/**
 * The composition root of {@code podium standalone} and {@code podium dev}: the metadata API, the
 * container-credentials endpoint, the credential broker and a pod source in one process. Builds
 * every part with {@code new} and closes them in reverse order.
 */
final class StandaloneProcess implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StandaloneProcess.class);

  /** Everything the process needs, validated by the command that built it. */
  record Config(
      RoleDecider decider,
      BrokerSettings broker,
      Duration stsWait,
      StsSettings sts,
      MetadataSettings metadata,
      Optional<InterceptionSettings> interception,
      Optional<ContainerCredentials> containerCredentials) {

    /** These settings calling STS as {@code sts} says. */
    Config withSts(StsSettings sts) {
      return new Config(
          decider, broker, stsWait, sts, metadata, interception, containerCredentials);
    }
  }

  /**
   * The container-credentials endpoint, when on.
   *
   * @param checks how tokens are tied to callers: the address check, this process's node
   */
  record ContainerCredentials(ContainerCredentialsSettings settings, PodClaims.Checks checks) {}

  /**
   * Where pods come from, chosen by the command.
   *
   * @param readyTaint removes the node's start-up taint once the metadata API serves
   * @param keys where the container-credentials endpoint's signing keys come from
   * @param listeners made once the process has its clock and timers, then told of every pod after
   *     the prefetcher (dev mode's token files); closed with the process when closeable
   */
  record Parts(
      PodSourceFactory pods,
      Optional<NodeTaintRemover> readyTaint,
      Optional<SigningKeySupply> keys,
      List<ListenerFactory> listeners) {

    /** Pods and the taint only: no container-credentials keys, no other listeners. */
    Parts(PodSourceFactory pods, Optional<NodeTaintRemover> readyTaint) {
      this(pods, readyTaint, Optional.empty(), List.of());
    }
  }

  /** A pod listener that needs the process's clock and timers. */
  @FunctionalInterface
  interface ListenerFactory {
    PodChangeListener create(Clock clock, ExecutorScheduler scheduler);
  }

  private final CloseStack closeInReverse = new CloseStack();
  private final MetadataServer metadataServer;
  private final Optional<ContainerCredentialsServer> containerCredentials;
  private final CredentialBroker<ImdsDocuments> broker;
  private final Optional<RuleManager> interceptionRules;
  private final PodSource pods;
  private final AwsIdentity identity;

  private StandaloneProcess(
      Config config,
      Parts parts,
      AwsCredentialsProvider baseCredentials,
      PrometheusRegistry registry,
      Health health) {
    try {
      Clock clock = Clock.systemUTC();
      ScheduledExecutorService timers =
          closeInReverse.pushExecutor(
              Executors.newSingleThreadScheduledExecutor(
                  Thread.ofPlatform().name("podium-timers").daemon().factory()));
      ExecutorScheduler scheduler = new ExecutorScheduler(timers);

      // The rule goes in before the metadata API answers: a pod that races the start-up is
      // refused, never sent to the node's own credentials. Closing stops the checks only.
      PodTraffic podTraffic = new PodTraffic();
      interceptionRules =
          config
              .interception()
              .map(
                  settings ->
                      RuleChecks.start(settings, podTraffic, registry, health, closeInReverse));

      BrokerFactory.Built<ImdsDocuments> sts =
          BrokerFactory.create(
              config.sts(),
              config.broker(),
              baseCredentials,
              new ImdsRenderer(JsonMapper.builder().build()),
              clock,
              scheduler,
              registry,
              closeInReverse);
      broker = sts.broker();

      pods = closeInReverse.push(parts.pods().open(clock, scheduler, registry));
      health.ready(
          "pods-synced",
          pods::synced,
          "the informers have not listed pods, namespaces and service accounts yet");
      // Synced first, so that the pods replayed to the prefetcher are judged with their policies.
      pods.start();
      pods.addListener(
          new Prefetcher(broker, config.decider(), pods::namespacePolicy, clock, pods.problems()));
      for (ListenerFactory factory : parts.listeners()) {
        PodChangeListener listener = factory.create(clock, scheduler);
        if (listener instanceof AutoCloseable closeable) {
          closeInReverse.push(closeable);
        }
        pods.addListener(listener);
      }
      PodCredentialService<ImdsDocuments> service =
          new PodCredentialService<>(
              pods,
              config.decider(),
              broker,
              scheduler,
              config.stsWait(),
              config
                  .containerCredentials()
                  .map(ContainerCredentials::checks)
                  .orElse(PodClaims.Checks.addressChecked()),
              clock);
      CallerCredentials<ImdsDocuments> callers =
          new ReportingCallerCredentials<>(service, pods.problems());
      // Pods' requests to the metadata API, held against the rule's counters: asking without
      // passing the rule means the rule is not in their path.
      metadataServer =
          new MetadataServer(
              config.metadata(), podTraffic.countingMetadataRequests(callers), registry, clock);

      closeInReverse.push(metadataServer);
      metadataServer.start();
      MetadataServer listening = metadataServer;
      health.live(
          "metadata-api", listening::listening, "the metadata API's listening socket is closed");
      health.ready("metadata-api", listening::listening, "the metadata API is not listening");
      identity = closeInReverse.push(new AwsIdentity(sts.issuer()::callerIdentity, timers, health));
      containerCredentials =
          config
              .containerCredentials()
              .map(
                  endpoint ->
                      startContainerCredentials(
                          endpoint,
                          parts.keys().orElseThrow(),
                          ReportingCallerCredentials.forTokens(service, pods.problems()),
                          scheduler,
                          clock,
                          registry,
                          health));

      parts.readyTaint().ifPresent(StandaloneProcess::removeTaint);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The endpoint and, when its keys are read from the cluster, what keeps them current. */
  private ContainerCredentialsServer startContainerCredentials(
      ContainerCredentials endpoint,
      SigningKeySupply supply,
      io.podium.core.TokenCallerCredentials<ImdsDocuments> callers,
      ExecutorScheduler scheduler,
      Clock clock,
      PrometheusRegistry registry,
      Health health) {
    ServiceAccountKeys keys =
        switch (supply) {
          case SigningKeySupply.Known known -> known.keys();
          case SigningKeySupply.Read read -> {
            ServiceAccountKeys fresh = new ServiceAccountKeys();
            KeyRefresher refresher =
                closeInReverse.push(
                    new KeyRefresher(
                        fresh, read.reader(), scheduler, read.interval(), clock, read.source()));
            refresher.start();
            yield fresh;
          }
        };
    ContainerCredentialsServer server =
        closeInReverse.push(
            new ContainerCredentialsServer(endpoint.settings(), keys, callers, registry, clock));
    server.start();
    health.live(
        "container-credentials",
        server::listening,
        "the container-credentials endpoint's listening socket is closed");
    health.ready(
        "container-credentials",
        () -> server.listening() && keys.current().isPresent(),
        "the container-credentials endpoint is not listening, or the cluster's service-account"
            + " signing keys could not be read yet (see the log)");
    return server;
  }

  /** Off the start-up path: the API server may be slow, and serving must not wait for it. */
  private static void removeTaint(NodeTaintRemover remover) {
    Thread.ofVirtual()
        .name("podium-ready-taint")
        .start(
            () -> {
              try {
                remover.remove();
              } catch (RuntimeException e) {
                log.warn("could not remove the node's start-up taint: {}", e.getMessage());
              }
            });
  }

  /**
   * Starts the process; on failure, closes whatever had started.
   *
   * @param baseCredentials Podium's own AWS credentials (the SDK default chain in production)
   * @param health where the process adds its liveness and readiness checks as its parts start
   */
  static StandaloneProcess start(
      Config config,
      Parts parts,
      AwsCredentialsProvider baseCredentials,
      PrometheusRegistry registry,
      Health health) {
    return new StandaloneProcess(config, parts, baseCredentials, registry, health);
  }

  InetSocketAddress metadataAddress() {
    return metadataServer.address();
  }

  /** Podium's own AWS identity, asked of STS once the process serves. */
  AwsIdentity identity() {
    return identity;
  }

  /** How many pods the pod source knows now. */
  int podCount() {
    return pods.podCount();
  }

  /** Where the container-credentials endpoint listens; empty when it is off. */
  List<InetSocketAddress> containerCredentialsAddresses() {
    return containerCredentials.map(ContainerCredentialsServer::addresses).orElse(List.of());
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
    closeInReverse.close();
  }
}
