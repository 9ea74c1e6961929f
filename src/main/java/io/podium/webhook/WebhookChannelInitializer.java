package io.podium.webhook;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline of one webhook connection: TLS, the HTTP codec with line and header limits, an idle
 * timeout, aggregation with the body limit (413 beyond it), then {@code /mutate}.
 */
final class WebhookChannelInitializer extends ChannelInitializer<Channel> {

  private final SslContext tls;
  private final int maxBodyBytes;
  private final Duration idleTimeout;
  private final WebhookMetrics metrics;
  private final MutateHandler handler;

  /**
   * @param tls {@code null} only in tests of the plain pipeline
   */
  WebhookChannelInitializer(
      SslContext tls,
      int maxBodyBytes,
      Duration idleTimeout,
      WebhookMetrics metrics,
      MutateHandler handler) {
    this.tls = tls;
    this.maxBodyBytes = maxBodyBytes;
    this.idleTimeout = idleTimeout;
    this.metrics = metrics;
    this.handler = handler;
  }

  @Override
  protected void initChannel(Channel channel) {
    ChannelPipeline pipeline = channel.pipeline();
    if (tls != null) {
      pipeline.addLast("tls", tls.newHandler(channel.alloc()));
    }
    pipeline.addLast(
        "http",
        new HttpServerCodec(
            new HttpDecoderConfig().setMaxInitialLineLength(4096).setMaxHeaderSize(16 * 1024)));
    pipeline.addLast(
        "idle", new IdleStateHandler(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS));
    pipeline.addLast("aggregator", new WebhookAggregator(maxBodyBytes, metrics));
    pipeline.addLast("mutate", handler);
  }
}
