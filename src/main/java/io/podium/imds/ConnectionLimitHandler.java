package io.podium.imds;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a new connection at once when its source holds its cap of open connections, or all sources
 * together hold the overall cap: a pod cannot exhaust the agent's sockets, memory or the other
 * pods' share by opening connections it never uses. It sits first in the pipeline; only the first
 * refusal of a burst is logged, every refusal is counted.
 */
public final class ConnectionLimitHandler extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(ConnectionLimitHandler.class);

  private final ConnectionLimits limits;
  private final ConnectionEvents metrics;
  private boolean decided;

  public ConnectionLimitHandler(ConnectionLimits limits, ConnectionEvents metrics) {
    this.limits = limits;
    this.metrics = metrics;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      admit(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    if (admit(ctx)) {
      ctx.fireChannelActive();
    }
  }

  /** Whether the connection may stay; counts it once. */
  private boolean admit(ChannelHandlerContext ctx) {
    if (decided) {
      return ctx.channel().isOpen();
    }
    decided = true;
    InetAddress source = Exchange.callerOf(ctx.channel());
    if (source == null) {
      // No IP peer: the router refuses its requests; it holds no source's share.
      return true;
    }
    ConnectionLimits.Verdict verdict = limits.acquire(source);
    switch (verdict) {
      case ADMITTED -> {
        ctx.channel().closeFuture().addListener(closed -> limits.release(source));
        return true;
      }
      case SOURCE_FULL_FIRST ->
          log.info(
              "Closing new connections from {}: it holds its cap of open connections; further"
                  + " refusals are counted, not logged",
              source.getHostAddress());
      case FULL_FIRST ->
          log.warn(
              "Closing new connections to {}: {} are open, the port's cap",
              ctx.channel().localAddress(),
              limits.open());
      case SOURCE_FULL, FULL -> {}
    }
    metrics.connectionRefused(
        verdict == ConnectionLimits.Verdict.FULL || verdict == ConnectionLimits.Verdict.FULL_FIRST
            ? "limit"
            : "source_limit");
    var _ = ctx.close();
    return false;
  }
}
