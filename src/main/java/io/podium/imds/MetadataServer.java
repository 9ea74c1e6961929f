package io.podium.imds;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.podium.core.CallerCredentials;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The EC2 instance-metadata API for the pods of a node. This class only binds, starts and stops;
 * the pipeline is {@link MetadataChannelInitializer}'s, the answers are the route handlers'.
 *
 * <p>Each instance draws its own IMDSv2 token key, so a new instance (a restart) invalidates every
 * token handed out before.
 */
public final class MetadataServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(MetadataServer.class);

  private final MetadataSettings settings;
  private final MetadataMetrics metrics;
  private final MetadataUpstream upstream;
  private final MetadataChannelInitializer initializer;
  private EventLoopGroup acceptor;
  private EventLoopGroup workers;
  private Channel channel;
  private boolean closed;

  /**
   * @param callers who gets which role and credentials, by peer address
   * @param registry where the {@code podium_metadata_*} metrics are registered (and removed again
   *     on {@link #close()})
   * @param clock for token expiry and {@code iam/info}
   */
  public MetadataServer(
      MetadataSettings settings,
      CallerCredentials<ImdsDocuments> callers,
      PrometheusRegistry registry,
      Clock clock) {
    this.settings = settings;
    this.metrics = new MetadataMetrics(registry);
    this.upstream =
        settings.upstream() == null
            ? null
            : new MetadataUpstream(
                settings.upstream(),
                settings.upstreamTimeout(),
                settings.maxUpstreamBodyBytes(),
                clock);
    this.initializer =
        initializer(
            settings, callers, upstream, metrics, clock, System::nanoTime, new SecureRandom());
  }

  /** Wires one server's handlers; tests build the same pipeline on an embedded channel. */
  static MetadataChannelInitializer initializer(
      MetadataSettings settings,
      CallerCredentials<ImdsDocuments> callers,
      MetadataUpstream upstream,
      MetadataMetrics metrics,
      Clock clock,
      LongSupplier nanoTime,
      SecureRandom random) {
    JsonMapper json = JsonMapper.builder().build();
    ImdsTokens tokens = new ImdsTokens(clock, random);
    RouteHandler passthrough =
        new PassthroughHandler(PassthroughPolicy.of(settings.allowRouteRegexp()), upstream);
    RouteHandler credentials =
        new CredentialsHandler(callers, new AuditLog(clock, metrics), metrics, clock);
    Map<Route, RouteHandler> handlers = new EnumMap<>(Route.class);
    handlers.put(Route.TOKEN, new TokenHandler(tokens, settings.tokensDisabled()));
    handlers.put(Route.ROLE_LIST, new RoleListHandler(callers));
    handlers.put(Route.CREDENTIALS, credentials);
    handlers.put(Route.CREDENTIALS_EXTENDED, credentials);
    handlers.put(Route.IAM_INFO, new IamInfoHandler(callers, json, clock.instant()));
    handlers.put(Route.IAM_LIST, new IamListHandler(callers));
    handlers.put(
        Route.PLACEMENT,
        new PlacementHandler(settings.region(), settings.availabilityZone(), passthrough));
    handlers.put(Route.PASSTHROUGH, passthrough);
    handlers.put(
        Route.OTHER,
        exchange ->
            exchange.reject(
                HttpResponseStatus.NOT_FOUND,
                Rejection.UNKNOWN_PATH,
                "no such path under /latest/meta-data/iam/"));
    // A node's pods, with room to spare: past it, pods without a role are told about again.
    OncePerPod noRoleLogged = new OncePerPod(4096);
    RateLimitHandler rateLimit =
        settings.maxRequestsPerSecond() == 0
            ? null
            : new RateLimitHandler(
                new SourceRateLimiter(
                    settings.maxRequestsPerSecond(),
                    settings.rateLimitBurst(),
                    settings.maxTrackedSources(),
                    nanoTime),
                settings.maxRequestsPerSecond(),
                metrics,
                noRoleLogged,
                settings.responseTimeout());
    ConnectionLimits connections =
        new ConnectionLimits(settings.maxConnections(), settings.maxConnectionsPerSource());
    metrics.watchOpenConnections(connections::open);
    return new MetadataChannelInitializer(
        settings,
        metrics,
        connections,
        rateLimit,
        new MetadataRouter(handlers, tokens, settings, metrics, noRoleLogged));
  }

  /**
   * Binds {@code --imds-listen} and starts serving.
   *
   * @throws IllegalStateException when the address cannot be bound, saying why
   */
  public synchronized MetadataServer start() {
    if (closed || channel != null) {
      throw new IllegalStateException("a metadata server starts once");
    }
    int threads =
        settings.workerThreads() == 0
            ? Runtime.getRuntime().availableProcessors()
            : settings.workerThreads();
    acceptor =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("podium-imds-accept"), NioIoHandler.newFactory());
    workers =
        new MultiThreadIoEventLoopGroup(
            threads, new DefaultThreadFactory("podium-imds"), NioIoHandler.newFactory());
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(acceptor, workers)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.AUTO_READ, false)
            .childHandler(initializer);
    try {
      channel = bootstrap.bind(settings.listen()).sync().channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopGroups();
      throw new IllegalStateException("interrupted while binding " + settings.listen(), e);
    } catch (Exception e) {
      stopGroups();
      throw new IllegalStateException(
          "cannot listen on " + settings.listen() + " (--imds-listen): " + e.getMessage(), e);
    }
    log.info(
        "Metadata API listening on {} (IMDSv2 {}, passthrough {})",
        address(),
        settings.tokensDisabled() ? "disabled" : settings.requireImdsv2() ? "required" : "optional",
        upstream == null ? "off" : "to " + upstream.base());
    return this;
  }

  /** The bound address (its port is the real one when {@code --imds-listen} asked for 0). */
  public synchronized InetSocketAddress address() {
    if (channel == null) {
      throw new IllegalStateException("not started");
    }
    return (InetSocketAddress) channel.localAddress();
  }

  public int port() {
    return address().getPort();
  }

  /** Whether the listening socket is open: a health check, cheap enough for every probe. */
  public synchronized boolean listening() {
    return channel != null && channel.isActive();
  }

  /** Stops accepting, closes every connection, and removes the metrics. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (channel != null) {
      InetSocketAddress address = (InetSocketAddress) channel.localAddress();
      channel.close().syncUninterruptibly();
      channel = null;
      log.info("Metadata API on {} stopped", address);
    }
    stopGroups();
    if (upstream != null) {
      upstream.close();
    }
    metrics.close();
  }

  private void stopGroups() {
    for (EventLoopGroup group : new EventLoopGroup[] {acceptor, workers}) {
      if (group != null) {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
      }
    }
    acceptor = null;
    workers = null;
  }
}
