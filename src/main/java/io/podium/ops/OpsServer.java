package io.podium.ops;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryPoolAllocationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations endpoint on {@code --metrics-listen}: {@code /metrics} (Prometheus text or
 * OpenMetrics, by the exporter of client_java), {@code /healthz} (liveness) and {@code /readyz}
 * (readiness), each 200 or 503 with one line per check. Plain HTTP on a port of its own, apart from
 * the metadata API that pods reach. This class only binds, starts and stops; the pipeline is {@link
 * OpsChannelInitializer}'s.
 *
 * <p>It runs on Netty so that slow or idle connections cost a socket, not a thread: requests are
 * read without blocking, a connection that has not sent a whole request within the request timeout
 * is closed, connections are capped per source address and overall, and every answer closes its
 * connection. A pod that can reach the node's address can therefore not make the liveness probe
 * hang (and the kubelet restart Podium) by holding connections open.
 */
public final class OpsServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(OpsServer.class);

  /**
   * What one client may hold of the endpoint.
   *
   * @param requestTimeout from a connection's first moment to its whole request; then it is closed
   * @param maxConnections open connections in all; more are closed at once
   * @param maxConnectionsPerSource open connections from one address; more are closed at once
   */
  public record Limits(Duration requestTimeout, int maxConnections, int maxConnectionsPerSource) {

    /** Probes and scrapes send a few hundred bytes and come one at a time from few addresses. */
    public static final Limits DEFAULT = new Limits(Duration.ofSeconds(5), 256, 16);

    public Limits {
      if (requestTimeout.isNegative() || requestTimeout.isZero()) {
        throw new IllegalArgumentException("the request timeout must be positive");
      }
      if (maxConnectionsPerSource < 1 || maxConnections < maxConnectionsPerSource) {
        throw new IllegalArgumentException(
            "connection limits must be at least 1 per source and at least that overall");
      }
    }
  }

  private final EventLoopGroup group;
  private final ExecutorService probes;
  private final ExecutorService scrapes;
  private final Channel channel;
  private final InetSocketAddress address;

  private OpsServer(
      EventLoopGroup group,
      ExecutorService probes,
      ExecutorService scrapes,
      Channel channel,
      InetSocketAddress address) {
    this.group = group;
    this.probes = probes;
    this.scrapes = scrapes;
    this.channel = channel;
    this.address = address;
  }

  /**
   * Binds {@code listen} and serves {@code registry} and {@code health} with the default limits.
   *
   * @throws IllegalStateException when the address cannot be bound, saying why
   */
  public static OpsServer start(
      InetSocketAddress listen, PrometheusRegistry registry, Health health) {
    return start(listen, registry, health, Limits.DEFAULT);
  }

  /**
   * Binds {@code listen} and serves {@code registry} and {@code health}.
   *
   * @throws IllegalStateException when the address cannot be bound, saying why
   */
  public static OpsServer start(
      InetSocketAddress listen, PrometheusRegistry registry, Health health, Limits limits) {
    // One thread each: a slow scrape never delays a probe, and neither blocks the event loop.
    ExecutorService probes =
        Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("podium-ops-probes").daemon().factory());
    ExecutorService scrapes =
        Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("podium-ops-scrapes").daemon().factory());
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("podium-ops", true), NioIoHandler.newFactory());
    OpsHandler handler =
        new OpsHandler(health, new PrometheusScrapeHandler(registry), probes, scrapes);
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new OpsChannelInitializer(
                    limits,
                    new SourceConnectionLimit(
                        limits.maxConnections(), limits.maxConnectionsPerSource()),
                    handler));
    try {
      Channel channel = bootstrap.bind(listen).sync().channel();
      InetSocketAddress bound = (InetSocketAddress) channel.localAddress();
      log.info("Metrics on http://{}/metrics, probes on /healthz and /readyz", hostPort(bound));
      return new OpsServer(group, probes, scrapes, channel, bound);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop(group, probes, scrapes);
      throw new IllegalStateException("interrupted while binding " + hostPort(listen), e);
    } catch (Exception e) {
      stop(group, probes, scrapes);
      throw new IllegalStateException(
          "cannot listen on " + hostPort(listen) + " (--metrics-listen): " + e.getMessage(), e);
    }
  }

  /**
   * Registers what every Podium process exports besides its parts' metrics: the JVM's and the
   * process's own ({@code jvm_*}, {@code process_*}), {@code podium_build_info} and the health
   * checks' results.
   *
   * <p>Every set of client_java's {@code JvmMetrics} but its native-memory one, which reports
   * nothing without {@code -XX:NativeMemoryTracking} and, to find that out, starts the platform
   * MBean server with its diagnostic commands: about 600 classes (JMX, JFR, the class-file API) and
   * 3 MiB that a node's process would keep for nothing.
   */
  public static void registerProcessMetrics(
      PrometheusRegistry registry, Health health, String component, String version) {
    JvmThreadsMetrics.builder().register(registry);
    JvmBufferPoolMetrics.builder().register(registry);
    JvmClassLoadingMetrics.builder().register(registry);
    JvmCompilationMetrics.builder().register(registry);
    JvmGarbageCollectorMetrics.builder().register(registry);
    JvmMemoryPoolAllocationMetrics.builder().register(registry);
    JvmMemoryMetrics.builder().register(registry);
    JvmRuntimeInfoMetric.builder().register(registry);
    ProcessMetrics.builder().register(registry);
    Info buildInfo =
        Info.builder()
            .name("podium_build_info")
            .help("Always 1: the version and the command (component) of this process")
            .labelNames("version", "component")
            .register(registry);
    buildInfo.addLabelValues(version, component);
    health.register(registry);
  }

  public InetSocketAddress address() {
    return address;
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    stop(group, probes, scrapes);
  }

  private static void stop(EventLoopGroup group, ExecutorService probes, ExecutorService scrapes) {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    probes.shutdownNow();
    scrapes.shutdownNow();
  }

  private static String hostPort(InetSocketAddress address) {
    String host =
        address.getAddress() == null
            ? address.getHostString()
            : address.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}
