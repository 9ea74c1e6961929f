package io.podium.stsemulator;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * The emulator's pipeline: HTTP/1.1 codec, an idle timeout for connections that send nothing, an
 * aggregator with a body limit (larger bodies get 413), then the STS handler.
 */
final class StsChannelInitializer extends ChannelInitializer<SocketChannel> {

  /** Longer than the SDKs' pooled-connection idle time (60 s), so that clients close first. */
  static final int IDLE_SECONDS = 300;

  private final StsHttpHandler handler;
  private final int maxBodyBytes;

  StsChannelInitializer(StsHttpHandler handler, int maxBodyBytes) {
    this.handler = handler;
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  protected void initChannel(SocketChannel channel) {
    channel
        .pipeline()
        .addLast(new HttpServerCodec())
        .addLast(new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS))
        .addLast(new HttpObjectAggregator(maxBodyBytes))
        .addLast(handler);
  }
}
