package io.podium.containercredentials;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.podium.core.TokenCallerCredentials;
import io.podium.imds.AuditLog;
import io.podium.imds.ConnectionLimits;
import io.podium.imds.ImdsDocuments;
import io.podium.imds.MetadataSettings;
import io.podium.imds.SourceRateLimiter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * EKS Pod Identity's container-credentials endpoint for the pods of a node ({@code GET
 * /v1/credentials} with the pod's service-account token), on every address of {@code
 * --container-credentials-listen}. This class only binds, starts and stops; the pipeline is {@link
 * ContainerCredentialsInitializer}'s, the answers {@link CredentialsRouter}'s.
 */
public final class ContainerCredentialsServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ContainerCredentialsServer.class);

  private final ContainerCredentialsSettings settings;
  private final ServiceAccountKeys keys;
  private final ContainerCredentialsMetrics metrics;
  private final ContainerCredentialsInitializer initializer;
  private final List<Channel> channels = new ArrayList<>();
  private EventLoopGroup acceptor;
  private EventLoopGroup workers;
  private boolean started;
  private boolean closed;

  /**
   * @param keys the keys tokens are verified with, kept current by whoever feeds them
   * @param callers the credentials of a token's pod, by the core's rules
   * @param registry where the {@code podium_container_credentials_*} metrics are registered (and
   *     removed again on {@link #close()})
   */
  public ContainerCredentialsServer(
      ContainerCredentialsSettings settings,
      ServiceAccountKeys keys,
      TokenCallerCredentials<ImdsDocuments> callers,
      PrometheusRegistry registry,
      Clock clock) {
    this.settings = settings;
    this.keys = keys;
    this.metrics = new ContainerCredentialsMetrics(registry);
    MetadataSettings limits = settings.limits();
    ConnectionLimits connections =
        new ConnectionLimits(limits.maxConnections(), limits.maxConnectionsPerSource());
    metrics.watchOpenConnections(connections::open);
    metrics.watchKeys(
        () -> keys.current().map(snapshot -> snapshot.keys().getKeys().size()).orElse(0));
    SourceRateLimiter rateLimit =
        limits.maxRequestsPerSecond() == 0
            ? null
            : new SourceRateLimiter(
                limits.maxRequestsPerSecond(),
                limits.rateLimitBurst(),
                limits.maxTrackedSources(),
                System::nanoTime);
    CredentialsRouter router =
        new CredentialsRouter(
            callers,
            new ServiceAccountTokenVerifier(keys, settings.audience(), clock, metrics),
            new HostCheck(settings.listen()),
            rateLimit,
            new AuditLog(clock, metrics::auditRepeat),
            metrics,
            limits.responseTimeout());
    this.initializer = new ContainerCredentialsInitializer(limits, metrics, connections, router);
  }

  /**
   * Binds every address and starts serving.
   *
   * @throws IllegalStateException when an address cannot be bound, saying why and what to do
   */
  public synchronized ContainerCredentialsServer start() {
    if (closed || started) {
      throw new IllegalStateException("a container-credentials server starts once");
    }
    started = true;
    int threads =
        settings.limits().workerThreads() == 0
            ? Runtime.getRuntime().availableProcessors()
            : settings.limits().workerThreads();
    acceptor =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("podium-cc-accept"), NioIoHandler.newFactory());
    workers =
        new MultiThreadIoEventLoopGroup(
            threads, new DefaultThreadFactory("podium-cc"), NioIoHandler.newFactory());
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(acceptor, workers)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.AUTO_READ, false)
            .childHandler(initializer);
    for (InetSocketAddress address : settings.listen()) {
      try {
        channels.add(bootstrap.bind(address).sync().channel());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stop();
        throw new IllegalStateException("interrupted while binding " + address, e);
      } catch (Exception e) {
        stop();
        throw new IllegalStateException(
            "cannot listen on "
                + text(address)
                + " (--container-credentials-listen): "
                + e.getMessage()
                + (address.getAddress().isLinkLocalAddress()
                        || address.getAddress().getHostAddress().startsWith("fd00:ec2")
                    ? "; the address must be on a link of this node first: --iptables (or the"
                        + " --install-rules-only init container) adds it, or give"
                        + " --container-credentials-listen none"
                    : ""),
            e);
      }
    }
    log.info(
        "Container-credentials endpoint listening on {} (audience {}, {} signing keys known)",
        String.join(", ", addresses().stream().map(ContainerCredentialsServer::text).toList()),
        settings.audience(),
        keys.current().map(snapshot -> snapshot.keys().getKeys().size()).orElse(0));
    return this;
  }

  /** The bound addresses, in the order given (real ports when port 0 was asked for). */
  public synchronized List<InetSocketAddress> addresses() {
    return channels.stream().map(channel -> (InetSocketAddress) channel.localAddress()).toList();
  }

  /** Whether every listening socket is open: a health check. */
  public synchronized boolean listening() {
    return !channels.isEmpty() && channels.stream().allMatch(Channel::isActive);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stop();
    metrics.close();
  }

  private void stop() {
    for (Channel channel : channels) {
      channel.close().syncUninterruptibly();
    }
    if (!channels.isEmpty()) {
      log.info("Container-credentials endpoint stopped");
    }
    channels.clear();
    for (EventLoopGroup group : new EventLoopGroup[] {acceptor, workers}) {
      if (group != null) {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
      }
    }
    acceptor = null;
    workers = null;
  }

  static String text(InetSocketAddress address) {
    String host = HostCheck.literal(address.getAddress());
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}
