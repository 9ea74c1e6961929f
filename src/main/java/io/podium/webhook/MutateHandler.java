package io.podium.webhook;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /mutate}: hands the AdmissionReview to {@link PodAdmission} off the event loop and
 * writes its answer in one buffer. Anything else is answered with a plain-text HTTP error that says
 * what was wrong: 404 for another path, 405 for another method, 415 for a body that is not JSON by
 * its type, 400 for one that is not an AdmissionReview (413, for one too large, is the
 * aggregator's).
 */
@ChannelHandler.Sharable
final class MutateHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  static final String PATH = "/mutate";

  private static final Logger log = LoggerFactory.getLogger(MutateHandler.class);

  private final AdmissionCodec codec;
  private final PodAdmission admission;
  private final WebhookMetrics metrics;
  private final Executor executor;

  /**
   * @param executor where requests are decoded and decided, so that neither a large body nor a
   *     service-account lookup holds an event loop
   */
  MutateHandler(
      AdmissionCodec codec, PodAdmission admission, WebhookMetrics metrics, Executor executor) {
    this.codec = codec;
    this.admission = admission;
    this.metrics = metrics;
    this.executor = executor;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    long start = System.nanoTime();
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    if (request.decoderResult().isFailure()) {
      refuse(
          ctx,
          false,
          HttpResponseStatus.BAD_REQUEST,
          WebhookMetrics.Rejection.BAD_REQUEST,
          "the request could not be decoded as HTTP");
      return;
    }
    String path = new QueryStringDecoder(request.uri()).path();
    if (!path.equals(PATH)) {
      refuse(
          ctx,
          keepAlive,
          HttpResponseStatus.NOT_FOUND,
          WebhookMetrics.Rejection.NOT_FOUND,
          "no such path: the webhook answers POST " + PATH);
      return;
    }
    if (!request.method().equals(HttpMethod.POST)) {
      refuse(
          ctx,
          keepAlive,
          HttpResponseStatus.METHOD_NOT_ALLOWED,
          WebhookMetrics.Rejection.METHOD_NOT_ALLOWED,
          "use POST with an AdmissionReview");
      return;
    }
    if (!isJson(request.headers().get(HttpHeaderNames.CONTENT_TYPE))) {
      refuse(
          ctx,
          keepAlive,
          HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
          WebhookMetrics.Rejection.UNSUPPORTED_MEDIA_TYPE,
          "Content-Type must be application/json, got '"
              + abbreviate(request.headers().get(HttpHeaderNames.CONTENT_TYPE))
              + "'");
      return;
    }
    byte[] body = ByteBufUtil.getBytes(request.content());
    try {
      executor.execute(() -> answer(ctx, keepAlive, body, start));
    } catch (RejectedExecutionException e) {
      refuse(
          ctx,
          false,
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          WebhookMetrics.Rejection.INTERNAL_ERROR,
          "the webhook is stopping");
    }
  }

  private void answer(ChannelHandlerContext ctx, boolean keepAlive, byte[] body, long start) {
    AdmissionCodec.Admission question;
    try {
      question = codec.read(body);
    } catch (BadAdmissionException e) {
      refuse(
          ctx,
          keepAlive,
          HttpResponseStatus.BAD_REQUEST,
          WebhookMetrics.Rejection.BAD_REQUEST,
          e.getMessage());
      return;
    }
    admission
        .admit(question)
        .whenComplete(
            (mutation, failure) -> {
              if (failure != null) {
                log.error("Admission {} failed", question.uid(), failure);
                refuse(
                    ctx,
                    keepAlive,
                    HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    WebhookMetrics.Rejection.INTERNAL_ERROR,
                    "the webhook failed; see its log");
                return;
              }
              byte[] answer;
              try {
                answer = codec.answer(question, mutation);
              } catch (RuntimeException e) {
                log.error("Admission {}: cannot write the answer", question.uid(), e);
                refuse(
                    ctx,
                    keepAlive,
                    HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    WebhookMetrics.Rejection.INTERNAL_ERROR,
                    "the webhook failed; see its log");
                return;
              }
              write(ctx, keepAlive, HttpResponseStatus.OK, "application/json", answer);
              metrics.admitted(mutation.outcome(), System.nanoTime() - start);
            });
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof IdleStateEvent) {
      var _ = ctx.close();
      return;
    }
    if (event instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess()) {
      // Usually an API server that does not trust the certificate (caBundle) or a scanner.
      log.info(
          "TLS handshake with {} failed: {}",
          ctx.channel().remoteAddress(),
          handshake.cause() == null ? "unknown" : handshake.cause().toString());
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug(
        "Closing webhook connection from {}: {}", ctx.channel().remoteAddress(), cause.toString());
    var _ = ctx.close();
  }

  private void refuse(
      ChannelHandlerContext ctx,
      boolean keepAlive,
      HttpResponseStatus status,
      WebhookMetrics.Rejection reason,
      String message) {
    metrics.rejected(reason);
    log.info(
        "Refused a request from {} with {}: {}",
        ctx.channel().remoteAddress(),
        status.code(),
        message);
    write(
        ctx,
        keepAlive,
        status,
        "text/plain; charset=utf-8",
        (message + "\n").getBytes(StandardCharsets.UTF_8));
  }

  static void write(
      ChannelHandlerContext ctx,
      boolean keepAlive,
      HttpResponseStatus status,
      String contentType,
      byte[] body) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, contentType)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    if (status.equals(HttpResponseStatus.METHOD_NOT_ALLOWED)) {
      response.headers().set(HttpHeaderNames.ALLOW, "POST");
    }
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    if (!ctx.channel().isActive()) {
      response.release();
      return;
    }
    var written = ctx.writeAndFlush(response);
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** {@code application/json}, with or without parameters such as a charset. */
  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String mediaType = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
    return mediaType.strip().toLowerCase(Locale.ROOT).equals("application/json");
  }

  private static String abbreviate(String value) {
    if (value == null) {
      return "";
    }
    return value.length() <= 64 ? value : value.substring(0, 64) + "…";
  }
}
