package io.podium.cli;

import io.podium.aws.StsSettings;
import io.podium.containercredentials.KeyRefresher;
import io.podium.containercredentials.ServiceAccountKeys;
import io.podium.core.PodSource;
import io.podium.core.Prefetcher;
import io.podium.core.RoleDecider;
import io.podium.core.broker.BrokerSettings;
import io.podium.core.broker.CredentialBroker;
import io.podium.core.broker.ExecutorScheduler;
import io.podium.ops.Health;
import io.podium.server.AgentApiServer;
import io.podium.server.NodeAuthenticator;
import io.podium.server.NodeCredentialsService;
import io.podium.server.NodeHub;
import io.podium.server.NodeReports;
import io.podium.server.OwnedPrefetch;
import io.podium.server.PublishingRenderer;
import io.podium.server.ServerMetrics;
import io.podium.server.SessionOwnership;
import io.podium.server.StartupTaint;
import io.podium.tls.ReloadingTls;
import io.podium.tls.TlsFiles;
import io.podium.tls.TlsMetrics;
import io.podium.wire.v1.SessionCredentials;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The composition root of {@code podium server}: a pod source, the credential broker, and the agent
 * API over mutual TLS. Builds every part with {@code new} and closes them in reverse order.
 */
final class ServerProcess implements AutoCloseable {

  /** Everything the process needs, validated by the command that built it. */
  record Config(
      RoleDecider decider,
      BrokerSettings broker,
      Duration stsWait,
      StsSettings sts,
      InetSocketAddress listen,
      InetSocketAddress healthListen,
      TlsFiles tls,
      Duration tlsRefresh,
      String replicaId,
      String version) {}

  /**
   * Where pods come from, how the server learns agents' nodes, which sessions it owns, the start-up
   * taint it removes for agents ({@code --ready-taint}; empty without), and where the cluster's
   * service-account signing keys are read for the agents (none: agents' container-credentials
   * endpoints answer 503).
   */
  record Parts(
      PodSourceFactory pods,
      NodeAuthenticator authenticator,
      SessionOwnership ownership,
      Optional<StartupTaint> readyTaint,
      Optional<SigningKeySupply.Read> keys) {

    Parts(PodSourceFactory pods, NodeAuthenticator authenticator, SessionOwnership ownership) {
      this(pods, authenticator, ownership, Optional.empty(), Optional.empty());
    }
  }

  private final CloseStack closeInReverse = new CloseStack();
  private final AgentApiServer server;
  private final CredentialBroker<SessionCredentials> broker;
  private final PodSource pods;
  private final AwsIdentity identity;

  private ServerProcess(
      Config config,
      Parts parts,
      AwsCredentialsProvider baseCredentials,
      PrometheusRegistry registry,
      Clock clock,
      Health health) {
    try {
      ScheduledExecutorService timers =
          closeInReverse.pushExecutor(
              Executors.newScheduledThreadPool(
                  2, Thread.ofPlatform().name("podium-timers-", 0).daemon().factory()));
      ExecutorService calls =
          closeInReverse.pushExecutor(
              Executors.newThreadPerTaskExecutor(
                  Thread.ofVirtual().name("podium-grpc-", 0).factory()));
      ExecutorScheduler scheduler = new ExecutorScheduler(timers);

      PublishingRenderer renderer = new PublishingRenderer();
      BrokerFactory.Built<SessionCredentials> sts =
          BrokerFactory.create(
              config.sts(),
              config.broker(),
              baseCredentials,
              renderer,
              clock,
              scheduler,
              registry,
              closeInReverse);
      broker = sts.broker();

      ReloadingTls tls =
          ReloadingTls.load(config.tls(), ReloadingTls.Side.SERVER, config.tlsRefresh(), timers);
      closeInReverse.push(tls);
      TlsMetrics.register(registry, tls);
      health.ready(
          "certificates-valid",
          () -> tls.validAt(clock.instant()),
          "the agent API's certificate or CA on disk is expired or not yet valid");
      ServerMetrics serverMetrics = new ServerMetrics(registry);

      pods = closeInReverse.push(parts.pods().open(clock, scheduler, registry));
      NodeHub hub = new NodeHub(config.decider(), pods::namespacePolicy, clock);
      parts
          .keys()
          .ifPresent(
              read -> {
                ServiceAccountKeys keys = new ServiceAccountKeys();
                keys.onReplaced(
                    snapshot ->
                        hub.serviceAccountKeys(
                            ServiceAccountKeys.jwks(snapshot), snapshot.issuers()));
                closeInReverse
                    .push(
                        new KeyRefresher(
                            keys, read.reader(), scheduler, read.interval(), clock, read.source()))
                    .start();
              });
      renderer.publishTo(hub::credentialsIssued);
      serverMetrics.watch(hub::streamCount);
      // Synced means the hub has heard every pod, not only that the source has listed them.
      AtomicBoolean hubSynced = new AtomicBoolean();
      BooleanSupplier synced = () -> hubSynced.get() && pods.synced();

      NodeCredentialsService service =
          new NodeCredentialsService(
              hub,
              pods,
              broker,
              scheduler,
              config.stsWait(),
              config.broker().durations().minRemaining(),
              synced,
              config.replicaId(),
              config.version(),
              NodeCredentialsService.DEFAULT_MAX_UNSENT_BYTES,
              pods.problems(),
              new NodeReports(parts.readyTaint(), registry));
      serverMetrics.tooSlowAgents(service::tooSlowAgents);
      server =
          new AgentApiServer(
              config.listen(),
              config.healthListen(),
              tls.serverCredentials(),
              service,
              serverMetrics.counting(parts.authenticator()),
              calls);
      closeInReverse.push(server);
      // Listening before the pods are synced: agents hear NOT_READY (and retry) instead of
      // connection refused, and the health service says why the replica is not ready.
      server.start();
      AgentApiServer listening = server;
      health.live("agent-api", listening::running, "the agent API's gRPC server has terminated");
      health.ready(
          "pods-synced",
          synced,
          "the pod source has not synced yet (informers listing pods, namespaces and service"
              + " accounts)");
      pods.start();
      // Listeners after the sync, so that the pods replayed to them are judged with their
      // namespaces' policies. Only the sessions this replica owns are fetched and refreshed here;
      // the others' owners push theirs to the agents.
      pods.addListener(hub);
      pods.addListener(
          new OwnedPrefetch(
              new Prefetcher(
                  broker, config.decider(), pods::namespacePolicy, clock, pods.problems()),
              config.decider(),
              pods::namespacePolicy,
              parts.ownership(),
              pods::retell));
      hubSynced.set(true);
      // Ready means pods synced and certificates valid; an STS outage does not make a replica
      // unready: it still serves what it has cached (the broker's metrics report the outage).
      var readiness =
          timers.scheduleWithFixedDelay(
              () -> server.setReady(synced.getAsBoolean() && tls.validAt(clock.instant())),
              0,
              1,
              TimeUnit.SECONDS);
      closeInReverse.push(() -> readiness.cancel(false));
      identity = closeInReverse.push(new AwsIdentity(sts.issuer()::callerIdentity, timers, health));
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  static ServerProcess start(
      Config config,
      Parts parts,
      AwsCredentialsProvider baseCredentials,
      PrometheusRegistry registry,
      Clock clock,
      Health health) {
    return new ServerProcess(config, parts, baseCredentials, registry, clock, health);
  }

  InetSocketAddress address() {
    return server.address();
  }

  InetSocketAddress healthAddress() {
    return server.healthAddress();
  }

  /** Podium's own AWS identity, asked of STS once the process serves. */
  AwsIdentity identity() {
    return identity;
  }

  /** How many pods (of every node) the pod source knows now. */
  int podCount() {
    return pods.podCount();
  }

  int sessionCount() {
    return broker.sessionCount();
  }

  @Override
  public void close() {
    closeInReverse.close();
  }
}
