package io.podium.imds;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Lets one request at a time through to the handlers behind it: with auto-read off and Netty's
 * flow-control handler in front, it asks for the next request only once the previous response is
 * written. Pipelined requests are therefore answered in order, even when an answer is computed on
 * another thread, and a client that does not read its responses stops being read.
 */
public final class RequestSequencer extends ChannelDuplexHandler {

  private boolean inFlight;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      ctx.read();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ctx.read();
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof FullHttpRequest) {
      inFlight = true;
    }
    ctx.fireChannelRead(msg);
  }

  /** A read that ended without a whole request: ask again (the flow-control handler's contract). */
  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (!inFlight) {
      ctx.read();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof HttpResponse response) || response.status().code() < 200) {
      var _ = ctx.write(msg, promise);
      return;
    }
    ChannelPromise written = promise.unvoid();
    written.addListener(
        (ChannelFuture future) -> {
          inFlight = false;
          if (future.isSuccess()) {
            ctx.read();
          } else {
            var _ = future.channel().close();
          }
        });
    var _ = ctx.write(msg, written);
  }
}
