package io.podium.imds;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds how long a connection may hold the server: a request must be complete and answered within
 * the request timeout of its first byte (slow clients that trickle headers or bodies are closed),
 * and an idle keep-alive connection is closed after the idle timeout. It sits first in the
 * pipeline, so it sees raw bytes arriving before the HTTP decoder has a message to show.
 */
public final class ConnectionTimeoutHandler extends ChannelDuplexHandler {

  private static final Logger log = LoggerFactory.getLogger(ConnectionTimeoutHandler.class);

  private enum State {
    /** Connected, nothing received yet. */
    NEW,
    /** Bytes of a request received, its response not yet written. */
    REQUEST,
    /** The last response written, waiting for the next request. */
    IDLE
  }

  private final Duration requestTimeout;
  private final Duration idleTimeout;
  private final ConnectionEvents metrics;
  private State state;
  private ScheduledFuture<?> timer;

  public ConnectionTimeoutHandler(
      Duration requestTimeout, Duration idleTimeout, ConnectionEvents metrics) {
    this.requestTimeout = requestTimeout;
    this.idleTimeout = idleTimeout;
    this.metrics = metrics;
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
    if (state != State.REQUEST) {
      enter(ctx, State.REQUEST, requestTimeout);
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (state == State.REQUEST) {
      enter(ctx, State.IDLE, idleTimeout);
    }
    var _ = ctx.write(msg, promise);
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
    if (state == null) {
      // A connection that never sends a byte is held no longer than a slow request.
      enter(ctx, State.NEW, requestTimeout);
    }
  }

  private void enter(ChannelHandlerContext ctx, State next, Duration timeout) {
    cancel();
    state = next;
    timer =
        ctx.executor().schedule(() -> expired(ctx, next), timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void expired(ChannelHandlerContext ctx, State expiredState) {
    if (state != expiredState || !ctx.channel().isActive()) {
      return;
    }
    if (expiredState == State.REQUEST) {
      metrics.requestTimedOut();
      log.info(
          "Closed the connection from {}: no complete request and answer within {}",
          Exchange.callerOf(ctx.channel()),
          requestTimeout);
    } else {
      log.debug("Closed the idle connection from {}", Exchange.callerOf(ctx.channel()));
    }
    var _ = ctx.close();
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
