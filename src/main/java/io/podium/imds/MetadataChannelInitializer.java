package io.podium.imds;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.flow.FlowControlHandler;

/**
 * The pipeline of one metadata API connection: the connection caps, time limits on raw bytes, the
 * HTTP codec with line and header limits, aggregation with a small body limit, one request at a
 * time (flow control with auto-read off), the per-source rate limit, then the router.
 */
final class MetadataChannelInitializer extends ChannelInitializer<Channel> {

  private final MetadataSettings settings;
  private final MetadataMetrics metrics;
  private final ConnectionLimits connections;
  private final RateLimitHandler rateLimit;
  private final MetadataRouter router;

  /**
   * @param rateLimit {@code null} when the rate limit is off
   */
  MetadataChannelInitializer(
      MetadataSettings settings,
      MetadataMetrics metrics,
      ConnectionLimits connections,
      RateLimitHandler rateLimit,
      MetadataRouter router) {
    this.settings = settings;
    this.metrics = metrics;
    this.connections = connections;
    this.rateLimit = rateLimit;
    this.router = router;
  }

  @Override
  protected void initChannel(Channel channel) {
    channel.config().setAutoRead(false);
    ChannelPipeline pipeline = channel.pipeline();
    pipeline.addLast("connection-limit", new ConnectionLimitHandler(connections, metrics));
    pipeline.addLast(
        "timeouts",
        new ConnectionTimeoutHandler(settings.requestTimeout(), settings.idleTimeout(), metrics));
    pipeline.addLast(
        "http",
        new HttpServerCodec(
            new HttpDecoderConfig()
                .setMaxInitialLineLength(settings.maxInitialLineLength())
                .setMaxHeaderSize(settings.maxHeaderSize())));
    pipeline.addLast("aggregator", new RequestAggregator(settings.maxBodyBytes(), metrics));
    pipeline.addLast("flow-control", new FlowControlHandler());
    pipeline.addLast("one-at-a-time", new RequestSequencer());
    if (rateLimit != null) {
      pipeline.addLast("rate-limit", rateLimit);
    }
    pipeline.addLast("router", router);
  }
}
