package io.podium.ops;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection that has not delivered a whole request within the timeout of its opening,
 * however slowly it trickles bytes: a connection holds the endpoint for a bounded time only. It
 * sits behind the aggregator, so the first message it sees is a whole request.
 */
final class RequestDeadline extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(RequestDeadline.class);

  private final Duration timeout;
  private @Nullable ScheduledFuture<?> timer;
  private boolean arrived;

  RequestDeadline(Duration timeout) {
    this.timeout = timeout;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      start(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    start(ctx);
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof FullHttpRequest && !arrived) {
      arrived = true;
      cancel();
      // One request per connection: nothing more is read from it.
      ctx.channel().config().setAutoRead(false);
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancel();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
  }

  private void start(ChannelHandlerContext ctx) {
    if (timer == null && !arrived) {
      timer =
          ctx.executor()
              .schedule(
                  () -> {
                    if (!arrived && ctx.channel().isActive()) {
                      log.debug(
                          "Closed the connection from {}: no whole request within {}",
                          ctx.channel().remoteAddress(),
                          timeout);
                      var _ = ctx.close();
                    }
                  },
                  timeout.toNanos(),
                  TimeUnit.NANOSECONDS);
    }
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
    }
  }
}
