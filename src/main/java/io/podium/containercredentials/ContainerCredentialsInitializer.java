package io.podium.containercredentials;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.flow.FlowControlHandler;
import io.podium.imds.ConnectionLimitHandler;
import io.podium.imds.ConnectionLimits;
import io.podium.imds.ConnectionTimeoutHandler;
import io.podium.imds.MetadataSettings;
import io.podium.imds.RequestSequencer;

/**
 * The pipeline of one container-credentials connection, the metadata API's guards in the same
 * order: connection caps, time limits on raw bytes, the HTTP codec with line and header limits,
 * aggregation with a small body limit, one request at a time, then the router (which also applies
 * the per-source rate).
 */
final class ContainerCredentialsInitializer extends ChannelInitializer<Channel> {

  private final MetadataSettings limits;
  private final ContainerCredentialsMetrics metrics;
  private final ConnectionLimits connections;
  private final CredentialsRouter router;

  ContainerCredentialsInitializer(
      MetadataSettings limits,
      ContainerCredentialsMetrics metrics,
      ConnectionLimits connections,
      CredentialsRouter router) {
    this.limits = limits;
    this.metrics = metrics;
    this.connections = connections;
    this.router = router;
  }

  @Override
  protected void initChannel(Channel channel) {
    channel.config().setAutoRead(false);
    ChannelPipeline pipeline = channel.pipeline();
    pipeline.addLast("connection-limit", new ConnectionLimitHandler(connections, metrics));
    pipeline.addLast(
        "timeouts",
        new ConnectionTimeoutHandler(limits.requestTimeout(), limits.idleTimeout(), metrics));
    pipeline.addLast(
        "http",
        new HttpServerCodec(
            new HttpDecoderConfig()
                .setMaxInitialLineLength(limits.maxInitialLineLength())
                .setMaxHeaderSize(limits.maxHeaderSize())));
    pipeline.addLast("aggregator", new Aggregator(limits.maxBodyBytes(), metrics));
    pipeline.addLast("flow-control", new FlowControlHandler());
    pipeline.addLast("one-at-a-time", new RequestSequencer());
    pipeline.addLast("router", router);
  }

  /** Netty's aggregator; an oversized body is answered like every refusal, then the close. */
  private static final class Aggregator extends HttpObjectAggregator {

    private final ContainerCredentialsMetrics metrics;

    Aggregator(int maxBodyBytes, ContainerCredentialsMetrics metrics) {
      super(maxBodyBytes, true);
      this.metrics = metrics;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      metrics.answered(Outcome.BODY_TOO_LARGE, 0);
      FullHttpResponse response =
          CredentialsExchange.error(
              Outcome.BODY_TOO_LARGE, "GET /v1/credentials takes no body of this size");
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
