package io.podium.ops;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * The pipeline of one operations connection: the connection caps, the deadline for a whole request,
 * the HTTP codec with small line and header limits, aggregation with a small body limit, then the
 * routes.
 */
final class OpsChannelInitializer extends ChannelInitializer<Channel> {

  private static final int MAX_INITIAL_LINE = 4096;
  private static final int MAX_HEADER_SIZE = 8192;
  private static final int MAX_BODY = 1024;

  private final OpsServer.Limits limits;
  private final SourceConnectionLimit connectionLimit;
  private final OpsHandler handler;

  OpsChannelInitializer(
      OpsServer.Limits limits, SourceConnectionLimit connectionLimit, OpsHandler handler) {
    this.limits = limits;
    this.connectionLimit = connectionLimit;
    this.handler = handler;
  }

  @Override
  protected void initChannel(Channel channel) {
    ChannelPipeline pipeline = channel.pipeline();
    pipeline.addLast("connection-limit", connectionLimit);
    pipeline.addLast(
        "http",
        new HttpServerCodec(
            new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE)
                .setMaxHeaderSize(MAX_HEADER_SIZE)));
    pipeline.addLast("aggregator", new HttpObjectAggregator(MAX_BODY, true));
    pipeline.addLast("deadline", new RequestDeadline(limits.requestTimeout()));
    pipeline.addLast("routes", handler);
  }
}
