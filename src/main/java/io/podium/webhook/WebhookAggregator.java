package io.podium.webhook;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Netty's aggregator with the webhook's body limit, answering a body over it (by its
 * Content-Length, or as it arrives) with a 413 that says the limit, counted and logged, and closing
 * the connection.
 */
final class WebhookAggregator extends HttpObjectAggregator {

  private static final Logger log = LoggerFactory.getLogger(WebhookAggregator.class);

  private final WebhookMetrics metrics;

  WebhookAggregator(int maxBodyBytes, WebhookMetrics metrics) {
    super(maxBodyBytes, true);
    this.metrics = metrics;
  }

  @Override
  protected @Nullable Object newContinueResponse(
      HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
    Object response = super.newContinueResponse(start, maxContentLength, pipeline);
    if (response instanceof HttpResponse refusal
        && refusal.status().code() == HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code()) {
      // Refused below, with the same answer as a body that turns out too large.
      ReferenceCountUtil.release(response);
      return null;
    }
    return response;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    int limit = maxContentLength();
    metrics.rejected(WebhookMetrics.Rejection.BODY_TOO_LARGE);
    log.info(
        "Refused a request from {} with 413: its body is larger than {} bytes",
        ctx.channel().remoteAddress(),
        limit);
    MutateHandler.write(
        ctx,
        false,
        HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
        "text/plain; charset=utf-8",
        ("the body is larger than " + limit + " bytes, the webhook's limit\n")
            .getBytes(StandardCharsets.UTF_8));
  }
}
