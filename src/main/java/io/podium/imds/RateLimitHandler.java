package io.podium.imds;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetAddress;
import java.time.Duration;

/**
 * Refuses requests beyond the per-source rate with 429. Only the first refusal of a burst is
 * logged, so that a flood cannot flood the logs too.
 */
@Sharable
final class RateLimitHandler extends ChannelInboundHandlerAdapter {

  private final SourceRateLimiter limiter;
  private final int perSecond;
  private final MetadataMetrics metrics;
  private final OncePerPod noRoleLogged;
  private final Duration responseTimeout;

  RateLimitHandler(
      SourceRateLimiter limiter,
      int perSecond,
      MetadataMetrics metrics,
      OncePerPod noRoleLogged,
      Duration responseTimeout) {
    this.limiter = limiter;
    this.perSecond = perSecond;
    this.metrics = metrics;
    this.noRoleLogged = noRoleLogged;
    this.responseTimeout = responseTimeout;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof FullHttpRequest request) {
      InetAddress caller = Exchange.callerOf(ctx.channel());
      SourceRateLimiter.Verdict verdict =
          caller == null ? SourceRateLimiter.Verdict.ALLOWED : limiter.tryAcquire(caller);
      if (verdict != SourceRateLimiter.Verdict.ALLOWED) {
        try {
          Exchange exchange = new Exchange(ctx, request, metrics, noRoleLogged, responseTimeout);
          FullHttpResponse response =
              Exchange.response(
                  HttpResponseStatus.TOO_MANY_REQUESTS,
                  HttpResponseStatus.TOO_MANY_REQUESTS.reasonPhrase());
          response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
          exchange.reject(
              response,
              Rejection.RATE_LIMITED,
              verdict == SourceRateLimiter.Verdict.FIRST_LIMITED
                  ? "more than "
                      + perSecond
                      + " requests a second from this address; further refusals are not logged"
                      + " until it slows down"
                  : null);
        } finally {
          request.release();
        }
        return;
      }
    }
    ctx.fireChannelRead(msg);
  }
}
