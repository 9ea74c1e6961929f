package io.podium.webhook;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.podium.core.account.ServiceAccountDirectory;
import io.podium.core.account.ServiceAccountProblems;
import io.podium.core.role.RolePolicy;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509KeyManager;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mutating admission webhook over HTTPS ({@code POST /mutate}). This class only binds, starts
 * and stops; the pipeline is {@link WebhookChannelInitializer}'s, the decisions {@link
 * PodMutation}'s. The certificate comes from a key manager the caller keeps current (a rotated
 * certificate is served from the next handshake on).
 */
public final class WebhookServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(WebhookServer.class);

  /**
   * Where and how the webhook serves.
   *
   * @param maxBodyBytes larger AdmissionReviews are refused with 413
   * @param idleTimeout a connection with no traffic this long is closed
   */
  public record Config(
      InetSocketAddress listen,
      WebhookSettings settings,
      RolePolicy rolePolicy,
      int maxBodyBytes,
      Duration idleTimeout) {

    /**
     * More than a pod's largest AdmissionReview: the API server refuses objects over 3 MiB (its
     * request limit) and etcd stores at most 1.5 MiB.
     */
    public static final int DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

    /** Longer than the API server keeps an idle connection to a webhook (90 s). */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(2);

    public Config {
      Objects.requireNonNull(listen, "listen");
      Objects.requireNonNull(settings, "settings");
      Objects.requireNonNull(rolePolicy, "rolePolicy");
      if (maxBodyBytes < 1024) {
        throw new IllegalArgumentException("maxBodyBytes must be at least 1024");
      }
    }

    public Config(InetSocketAddress listen, WebhookSettings settings, RolePolicy rolePolicy) {
      this(listen, settings, rolePolicy, DEFAULT_MAX_BODY_BYTES, DEFAULT_IDLE_TIMEOUT);
    }
  }

  private final Config config;
  private final WebhookMetrics metrics;
  private final ExecutorService admissions;
  private final WebhookChannelInitializer initializer;
  private @Nullable EventLoopGroup group;
  private @Nullable Channel channel;
  private boolean closed;

  /**
   * @param accounts where service accounts and namespace policies are found
   * @param problems hears of roles not injected, for Events
   * @param certificate the serving certificate, e.g. a reloading key manager
   * @param registry where the {@code podium_webhook_*} metrics go (removed on {@link #close})
   * @throws IllegalArgumentException when no TLS context can be built from the key manager
   */
  public WebhookServer(
      Config config,
      ServiceAccountDirectory accounts,
      ServiceAccountProblems problems,
      X509KeyManager certificate,
      PrometheusRegistry registry) {
    this.config = config;
    SslContext tls;
    try {
      tls = SslContextBuilder.forServer(certificate).protocols("TLSv1.3", "TLSv1.2").build();
    } catch (SSLException e) {
      throw new IllegalArgumentException("cannot set up TLS for the webhook: " + e.getMessage(), e);
    }
    this.metrics = new WebhookMetrics(registry);
    this.admissions =
        Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("podium-admission-", 0).factory());
    PodAdmission admission =
        new PodAdmission(
            new PodMutation(config.settings(), config.rolePolicy()), accounts, problems);
    MutateHandler handler =
        new MutateHandler(
            new AdmissionCodec(new KubernetesSerialization()), admission, metrics, admissions);
    this.initializer =
        new WebhookChannelInitializer(
            tls, config.maxBodyBytes(), config.idleTimeout(), metrics, handler);
  }

  /**
   * Binds {@code --listen} and starts serving.
   *
   * @throws IllegalStateException when the address cannot be bound, saying why
   */
  public synchronized WebhookServer start() {
    if (closed || channel != null) {
      throw new IllegalStateException("a webhook server starts once");
    }
    group =
        new MultiThreadIoEventLoopGroup(
            2, new DefaultThreadFactory("podium-webhook"), NioIoHandler.newFactory());
    try {
      channel =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .option(ChannelOption.SO_BACKLOG, 256)
              .option(ChannelOption.SO_REUSEADDR, true)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(initializer)
              .bind(config.listen())
              .sync()
              .channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopGroup();
      throw new IllegalStateException("interrupted while binding " + config.listen(), e);
    } catch (Exception e) {
      stopGroup();
      throw new IllegalStateException(
          "cannot listen on " + config.listen() + " (--listen): " + e.getMessage(), e);
    }
    log.info(
        "Admission webhook listening on https://{}{}", hostPort(address()), MutateHandler.PATH);
    return this;
  }

  /** The bound address (its port is the real one when {@code --listen} asked for 0). */
  public synchronized InetSocketAddress address() {
    if (channel == null) {
      throw new IllegalStateException("not started");
    }
    return (InetSocketAddress) channel.localAddress();
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
      channel.close().syncUninterruptibly();
      channel = null;
      log.info("Admission webhook stopped");
    }
    stopGroup();
    admissions.shutdownNow();
    metrics.close();
  }

  private void stopGroup() {
    if (group != null) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
      group = null;
    }
  }

  private static String hostPort(InetSocketAddress address) {
    String host = address.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}
