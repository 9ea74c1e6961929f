package io.podium.stsemulator;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each aggregated HTTP request to the {@link StsRouter} and writes its reply as one full
 * response (one buffer: split writes meet delayed ACKs). Injected latency is a task scheduled on
 * the channel's event loop, never a blocked thread.
 */
@ChannelHandler.Sharable
final class StsHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  private static final Logger log = LoggerFactory.getLogger(StsHttpHandler.class);

  private final StsRouter router;
  private final Clock clock;

  StsHttpHandler(StsRouter router, Clock clock) {
    this.router = router;
    this.clock = clock;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    StsReply reply =
        request.decoderResult().isFailure()
            ? router.malformed("The request could not be decoded as HTTP.")
            : router.handle(toStsRequest(request));
    FullHttpResponse response = toResponse(reply, keepAlive);
    long delayNanos = reply.delay().toNanos();
    if (delayNanos <= 0) {
      write(ctx, response, keepAlive);
    } else {
      var _ =
          ctx.channel()
              .eventLoop()
              .schedule(() -> write(ctx, response, keepAlive), delayNanos, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof IdleStateEvent) {
      var _ = ctx.close();
      return;
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug(
        "Closing STS connection from {}: {}", ctx.channel().remoteAddress(), cause.toString());
    var _ = ctx.close();
  }

  static StsRequest toStsRequest(FullHttpRequest request) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (Map.Entry<String, String> header : request.headers()) {
      headers.computeIfAbsent(header.getKey(), name -> new ArrayList<>()).add(header.getValue());
    }
    return StsRequest.parse(
        request.method().name(), request.uri(), headers, ByteBufUtil.getBytes(request.content()));
  }

  private FullHttpResponse toResponse(StsReply reply, boolean keepAlive) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(reply.status()),
            Unpooled.wrappedBuffer(reply.body()));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "text/xml")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, reply.body().length)
        .set("x-amzn-RequestId", reply.requestId())
        .set(HttpHeaderNames.DATE, DateFormatter.format(Date.from(clock.instant())));
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return response;
  }

  private static void write(
      ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
    if (!ctx.channel().isActive()) {
      response.release();
      return;
    }
    var written = ctx.writeAndFlush(response);
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }
}
