package io.podium.cli;

import io.grpc.CallCredentials;
import io.podium.agent.MetadataServer;
import io.podium.agent.MetadataSettings;
import io.podium.agent.remote.ServerConnections;
import io.podium.tls.ReloadingTls;
import io.podium.tls.TlsFiles;
import io.podium.tls.TlsMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of {@code podium agent}: the metadata API answering from the memory that the
 * server streams feed. No AWS and no Kubernetes credentials anywhere in it. Builds every part with
 * {@code new} and closes them in reverse order.
 */
final class AgentProcess implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AgentProcess.class);

  record Config(
      ServerConnections.Settings servers,
      TlsFiles tls,
      Duration tlsRefresh,
      MetadataSettings metadata) {}

  private final Deque<AutoCloseable> closeInReverse = new ArrayDeque<>();
  private final MetadataServer metadataServer;
  private final ServerConnections connections;

  private AgentProcess(
      Config config, CallCredentials token, PrometheusRegistry registry, Clock clock) {
    try {
      ScheduledExecutorService timers =
          Executors.newScheduledThreadPool(
              2, Thread.ofPlatform().name("podium-agent-timers-", 0).daemon().factory());
      closeInReverse.push(
          () -> {
            timers.shutdownNow();
            timers.awaitTermination(5, TimeUnit.SECONDS);
          });
      ReloadingTls tls =
          ReloadingTls.load(config.tls(), ReloadingTls.Side.AGENT, config.tlsRefresh(), timers);
      closeInReverse.push(tls);
      TlsMetrics.register(registry, tls);

      connections =
          new ServerConnections(
              config.servers(), tls.channelCredentials(), token, clock, timers, registry);
      closeInReverse.push(connections);
      // The metadata API starts at once and answers 503 until a server's snapshot is in: an
      // agent started before its servers waits for them instead of exiting.
      metadataServer =
          new MetadataServer(config.metadata(), connections.callers(), registry, clock);
      closeInReverse.push(metadataServer);
      metadataServer.start();
      connections.start();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  static AgentProcess start(
      Config config, CallCredentials token, PrometheusRegistry registry, Clock clock) {
    return new AgentProcess(config, token, registry, clock);
  }

  InetSocketAddress metadataAddress() {
    return metadataServer.address();
  }

  boolean synced() {
    return connections.everSynced();
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
}
