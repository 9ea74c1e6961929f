package io.podium.ops;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps open connections per source address and overall: a connection beyond either cap is closed as
 * soon as it opens. The per-source cap keeps one client from taking the overall cap's slots from
 * the kubelet's probes and the scraper.
 */
@Sharable
final class SourceConnectionLimit extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(SourceConnectionLimit.class);

  private final int max;
  private final int maxPerSource;
  private final AtomicInteger open = new AtomicInteger();
  // At most max entries: a source is remembered only while it holds a connection.
  private final ConcurrentHashMap<InetAddress, Integer> bySource = new ConcurrentHashMap<>();

  SourceConnectionLimit(int max, int maxPerSource) {
    this.max = max;
    this.maxPerSource = maxPerSource;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    InetAddress source =
        ctx.channel().remoteAddress() instanceof InetSocketAddress peer ? peer.getAddress() : null;
    if (!acquire(source)) {
      log.debug("Refused a connection from {}: too many open connections", source);
      var _ = ctx.close();
      return;
    }
    ctx.channel().closeFuture().addListener(closed -> release(source));
    ctx.fireChannelActive();
  }

  /** How many connections are open now. */
  int open() {
    return open.get();
  }

  private boolean acquire(@Nullable InetAddress source) {
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      return false;
    }
    if (source == null) {
      return true;
    }
    boolean[] admitted = {false};
    bySource.compute(
        source,
        (key, count) -> {
          int held = count == null ? 0 : count;
          if (held >= maxPerSource) {
            return count;
          }
          admitted[0] = true;
          return held + 1;
        });
    if (!admitted[0]) {
      open.decrementAndGet();
    }
    return admitted[0];
  }

  private void release(@Nullable InetAddress source) {
    open.decrementAndGet();
    if (source != null) {
      bySource.computeIfPresent(source, (key, count) -> count == 1 ? null : count - 1);
    }
  }
}
