package io.podium.cli;

import io.grpc.CallCredentials;
import io.podium.agent.ServerConnections;
import io.podium.agent.TlsExplanations;
import io.podium.containercredentials.ContainerCredentialsServer;
import io.podium.containercredentials.ContainerCredentialsSettings;
import io.podium.containercredentials.ServiceAccountKeys;
import io.podium.imds.MetadataServer;
import io.podium.imds.MetadataSettings;
import io.podium.interception.InterceptionSettings;
import io.podium.interception.PodTraffic;
import io.podium.interception.RuleManager;
import io.podium.ops.Health;
import io.podium.tls.ReloadingTls;
import io.podium.tls.TlsFailures;
import io.podium.tls.TlsFiles;
import io.podium.tls.TlsMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The composition root of {@code podium agent}: the metadata API and the container-credentials
 * endpoint answering from the memory that the server streams feed (pods, credentials, and the
 * cluster's service-account signing keys). No AWS and no Kubernetes credentials anywhere in it.
 * Builds every part with {@code new} and closes them in reverse order.
 */
final class AgentProcess implements AutoCloseable {

  record Config(
      ServerConnections.Settings servers,
      TlsFiles tls,
      Duration tlsRefresh,
      MetadataSettings metadata,
      Optional<InterceptionSettings> interception,
      Optional<ContainerCredentialsSettings> containerCredentials,
      boolean checkIp) {}

  private final CloseStack closeInReverse = new CloseStack();
  private final MetadataServer metadataServer;
  private final Optional<ContainerCredentialsServer> containerCredentials;
  private final ServerConnections connections;

  private AgentProcess(
      Config config,
      CallCredentials token,
      PrometheusRegistry registry,
      Clock clock,
      Health health) {
    try {
      // The rule goes in before anything else: pods that race the start-up are refused, never
      // sent to the node's own credentials. Closing stops the checks only.
      PodTraffic podTraffic = new PodTraffic();
      Optional<RuleManager> rules =
          config
              .interception()
              .map(
                  settings ->
                      RuleChecks.start(settings, podTraffic, registry, health, closeInReverse));

      ScheduledExecutorService timers =
          closeInReverse.pushExecutor(
              Executors.newScheduledThreadPool(
                  2, Thread.ofPlatform().name("podium-agent-timers-", 0).daemon().factory()));
      ReloadingTls tls =
          ReloadingTls.load(config.tls(), ReloadingTls.Side.AGENT, config.tlsRefresh(), timers);
      closeInReverse.push(tls);
      TlsMetrics.register(registry, tls);

      connections =
          new ServerConnections(
              config.servers(), tls.channelCredentials(), token, clock, timers, registry);
      closeInReverse.push(connections);
      TlsFailures failures = tls.failures();
      connections.explainTls(
          new TlsExplanations() {
            @Override
            public Optional<String> explain(Throwable failure) {
              return failures.explain(failure);
            }

            @Override
            public String ourCertificate() {
              return failures.ourCertificate();
            }
          });
      // The addresses the rule sends pods to are the node's own: never a pod's, whatever the
      // servers' records say.
      config.interception().ifPresent(rule -> connections.nodeAddresses(rule.hostAddresses()));
      // The metadata API starts at once and answers 503 until a server's snapshot is in: an
      // agent started before its servers waits for them instead of exiting. Pods' requests to it
      // are counted, to be held against the rule's counters.
      metadataServer =
          new MetadataServer(
              config.metadata(),
              podTraffic.countingMetadataRequests(connections.callers()),
              registry,
              clock);
      closeInReverse.push(metadataServer);
      metadataServer.start();
      // The servers learn from the agent alone that the rule is in place and the metadata API
      // serves: then a server with --ready-taint removes the node's start-up taint.
      connections.reportNode(
          () ->
              rules
                  .map(
                      manager ->
                          manager.ready()
                              ? ServerConnections.RuleState.IN_PLACE
                              : ServerConnections.RuleState.FAILING)
                  .orElse(ServerConnections.RuleState.NOT_MANAGED),
          metadataServer::listening);
      containerCredentials =
          config
              .containerCredentials()
              .map(
                  settings ->
                      startContainerCredentials(
                          settings, config.checkIp(), registry, clock, health));
      connections.start();
      MetadataServer listening = metadataServer;
      ServerConnections servers = connections;
      health.live(
          "metadata-api", listening::listening, "the metadata API's listening socket is closed");
      health.ready("metadata-api", listening::listening, "the metadata API is not listening");
      // Ready once one replica's snapshot is in; afterwards the agent answers from memory even
      // while every replica is away (see docs/server.md), so losing them does not unready it.
      health.ready(
          "server-synced",
          servers::everSynced,
          () ->
              "no podium server replica has sent this node's pods yet (see podium_agent_servers)"
                  + servers.tlsFailure().map(failure -> "; " + failure).orElse(""));
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The endpoint, answering 503 until a server has sent the keys and this node's pods. */
  private ContainerCredentialsServer startContainerCredentials(
      ContainerCredentialsSettings settings,
      boolean checkIp,
      PrometheusRegistry registry,
      Clock clock,
      Health health) {
    ServiceAccountKeys keys = new ServiceAccountKeys();
    connections.onServiceAccountKeys((jwks, issuers) -> keys.replace(jwks, Set.copyOf(issuers)));
    ContainerCredentialsServer server =
        closeInReverse.push(
            new ContainerCredentialsServer(
                settings, keys, connections.tokenCallers(checkIp), registry, clock));
    server.start();
    health.live(
        "container-credentials",
        server::listening,
        "the container-credentials endpoint's listening socket is closed");
    health.ready(
        "container-credentials",
        server::listening,
        "the container-credentials endpoint is not listening");
    return server;
  }

  static AgentProcess start(
      Config config,
      CallCredentials token,
      PrometheusRegistry registry,
      Clock clock,
      Health health) {
    return new AgentProcess(config, token, registry, clock, health);
  }

  InetSocketAddress metadataAddress() {
    return metadataServer.address();
  }

  /** Where the container-credentials endpoint listens; empty when it is off. */
  List<InetSocketAddress> containerCredentialsAddresses() {
    return containerCredentials.map(ContainerCredentialsServer::addresses).orElse(List.of());
  }

  boolean synced() {
    return connections.everSynced();
  }

  @Override
  public void close() {
    closeInReverse.close();
  }
}
