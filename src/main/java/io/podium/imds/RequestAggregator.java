package io.podium.imds;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Netty's aggregator with a small body limit, answering oversized bodies (and failed {@code Expect}
 * headers) the way every other refusal is answered: counted, logged once, {@code Server: EC2ws},
 * and the connection closed.
 */
final class RequestAggregator extends HttpObjectAggregator {

  private static final Logger log = LoggerFactory.getLogger(RequestAggregator.class);

  private final MetadataMetrics metrics;

  RequestAggregator(int maxBodyBytes, MetadataMetrics metrics) {
    super(maxBodyBytes, true);
    this.metrics = metrics;
  }

  @Override
  protected Object newContinueResponse(
      HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
    Object response = super.newContinueResponse(start, maxContentLength, pipeline);
    if (response instanceof HttpResponse refusal
        && refusal.status().code() != HttpResponseStatus.CONTINUE.code()) {
      HttpResponseStatus status = refusal.status();
      ReferenceCountUtil.release(response);
      boolean tooLarge = status.code() == HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code();
      return refuse(
          pipeline.channel(),
          start,
          status,
          tooLarge ? Rejection.BODY_TOO_LARGE : Rejection.EXPECTATION_FAILED,
          tooLarge
              ? "announced body larger than " + maxContentLength + " bytes"
              : "unsupported Expect header");
    }
    return response;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    FullHttpResponse response =
        refuse(
            ctx.channel(),
            oversized,
            HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
            Rejection.BODY_TOO_LARGE,
            "body larger than " + maxContentLength() + " bytes");
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  private FullHttpResponse refuse(
      Channel channel,
      HttpMessage request,
      HttpResponseStatus status,
      Rejection reason,
      String detail) {
    String target = request instanceof HttpRequest r ? r.uri() : "";
    String method = request instanceof HttpRequest r ? r.method().name() : "";
    metrics.rejected(reason);
    metrics.answered(Route.of(MetadataPaths.canonical(target)), status.code(), 0);
    log.info(
        "Refused {} {} from {} with {}: {}",
        method,
        MetadataPaths.forLog(target),
        Exchange.callerOf(channel),
        status.code(),
        detail);
    FullHttpResponse response = Exchange.response(status, status.reasonPhrase());
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return response;
  }
}
