package io.podium.server;

import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent API's gRPC server: owns start, stop and credentials, nothing else (the answers are
 * {@link NodeCredentialsService}'s). Mutual TLS on {@code --listen}, the standard gRPC health
 * service on it and, for kubelet probes (which speak no TLS), on a plaintext {@code
 * --health-listen}.
 */
public final class AgentApiServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AgentApiServer.class);
  private static final String SERVICE = "podium.v1.NodeCredentials";

  private final Server server;
  private final Server healthServer;
  private final HealthStatusManager health = new HealthStatusManager();
  private final NodeCredentialsService service;
  private volatile boolean started;
  private boolean closed;

  /**
   * @param healthListen where the plaintext health service listens; {@code null} for none
   * @param executor runs calls, which may block briefly (a TokenReview)
   */
  public AgentApiServer(
      InetSocketAddress listen,
      InetSocketAddress healthListen,
      ServerCredentials credentials,
      NodeCredentialsService service,
      NodeAuthenticator authenticator,
      Executor executor) {
    this.service = service;
    this.server =
        NettyServerBuilder.forAddress(listen, credentials)
            .addService(
                ServerInterceptors.intercept(service, new AgentAuthentication(authenticator)))
            .addService(health.getHealthService())
            .executor(executor)
            // Agents keep idle streams open for hours; let them probe with keepalives.
            .permitKeepAliveTime(5, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .maxInboundMessageSize(64 * 1024)
            .build();
    this.healthServer =
        healthListen == null
            ? null
            : NettyServerBuilder.forAddress(healthListen)
                .addService(health.getHealthService())
                .executor(executor)
                .build();
    health.setStatus("", ServingStatus.NOT_SERVING);
    health.setStatus(SERVICE, ServingStatus.NOT_SERVING);
  }

  /**
   * @throws IllegalStateException when an address cannot be bound, saying which
   */
  public synchronized AgentApiServer start() {
    if (started || closed) {
      throw new IllegalStateException("the agent API server starts once");
    }
    started = true;
    try {
      server.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot listen for agents (--listen): " + e.getMessage(), e);
    }
    if (healthServer != null) {
      try {
        healthServer.start();
      } catch (IOException e) {
        server.shutdownNow();
        throw new IllegalStateException(
            "cannot listen for health checks (--health-listen): " + e.getMessage(), e);
      }
    }
    log.info("Agent API listening on {} (mutual TLS)", address());
    return this;
  }

  /** Sets the health service's answer: SERVING only when the replica can answer correctly. */
  public void setReady(boolean ready) {
    ServingStatus status = ready ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    health.setStatus("", status);
    health.setStatus(SERVICE, status);
  }

  /** Whether the gRPC server is up: started and neither shut down nor terminated. */
  public boolean running() {
    return started && !server.isShutdown() && !server.isTerminated();
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) server.getListenSockets().getFirst();
  }

  public InetSocketAddress healthAddress() {
    return healthServer == null
        ? null
        : (InetSocketAddress) healthServer.getListenSockets().getFirst();
  }

  /**
   * Stops in order: not ready, every agent stream ended with UNAVAILABLE (agents move to the other
   * replicas at once instead of waiting for a timeout), calls in flight finished within {@code
   * grace}, then the listeners closed.
   */
  public synchronized void stop(Duration grace) {
    if (closed) {
      return;
    }
    closed = true;
    setReady(false);
    health.enterTerminalState();
    service.stop();
    server.shutdown();
    try {
      if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    }
    if (healthServer != null) {
      healthServer.shutdownNow();
    }
    log.info("Agent API stopped");
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(5));
  }
}
