package io.podium.imds;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.podium.core.RoleOutcome;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request and its one response. Handlers answer through it, so that every response is written
 * the same way — one buffer with {@code Content-Length}, {@code Server: EC2ws}, keep-alive honoured
 * — and counted once; and so that answers computed on other threads are written on the channel's
 * event loop, at most once, or replaced by a 503 when they take longer than the response timeout.
 *
 * <p>All state is confined to the channel's event loop.
 */
final class Exchange {

  private static final Logger log = LoggerFactory.getLogger(Exchange.class);

  static final AsciiString SERVER = AsciiString.cached("EC2ws");
  static final AsciiString TEXT_PLAIN = AsciiString.cached("text/plain");
  static final AsciiString TOKEN = AsciiString.cached("x-aws-ec2-metadata-token");
  static final AsciiString TOKEN_TTL = AsciiString.cached("x-aws-ec2-metadata-token-ttl-seconds");

  private final ChannelHandlerContext ctx;
  private final MetadataMetrics metrics;
  private final OncePerPod noRoleLogged;
  private final Duration responseTimeout;
  private final InetAddress caller;
  private final HttpMethod method;
  private final String target;
  private final String path;
  private final Route route;
  private final HttpHeaders headers;
  private final boolean keepAlive;
  private final boolean http10;
  private final long startNanos;
  private boolean responded;
  private boolean closeAfter;
  private ScheduledFuture<?> timeout;

  Exchange(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      MetadataMetrics metrics,
      OncePerPod noRoleLogged,
      Duration responseTimeout) {
    this.ctx = ctx;
    this.metrics = metrics;
    this.noRoleLogged = noRoleLogged;
    this.responseTimeout = responseTimeout;
    this.startNanos = System.nanoTime();
    this.caller = callerOf(ctx.channel());
    this.method = request.method();
    this.target = request.uri();
    this.headers = request.headers();
    boolean decoded = request.decoderResult().isSuccess();
    this.path = decoded ? MetadataPaths.canonical(target) : null;
    this.route = Route.of(path);
    this.keepAlive = decoded && HttpUtil.isKeepAlive(request);
    this.http10 = HttpVersion.HTTP_1_0.equals(request.protocolVersion());
  }

  /**
   * The caller's identity: the TCP peer address, never a header. {@code null} for a channel that
   * has none (which is then refused).
   */
  static InetAddress callerOf(Channel channel) {
    return channel.remoteAddress() instanceof InetSocketAddress peer ? peer.getAddress() : null;
  }

  InetAddress caller() {
    return caller;
  }

  /** The caller as log lines show it: the address alone, without {@code InetAddress}'s slash. */
  String callerForLog() {
    return caller == null ? "an unknown peer" : caller.getHostAddress();
  }

  HttpMethod method() {
    return method;
  }

  /** The canonical path, or {@code null} when the request target is not one. */
  String path() {
    return path;
  }

  Route route() {
    return route;
  }

  HttpHeaders headers() {
    return headers;
  }

  /** Closes the connection once the response is written, whatever the request asked for. */
  void closeAfterResponse() {
    closeAfter = true;
  }

  /** Whether the connection is still there to answer. */
  boolean isOpen() {
    return ctx.channel().isActive();
  }

  /** A {@code text/plain} response as EC2 writes them. */
  static FullHttpResponse response(HttpResponseStatus status, ByteBuf body) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    response
        .headers()
        .set(HttpHeaderNames.SERVER, SERVER)
        .set(HttpHeaderNames.CONTENT_TYPE, TEXT_PLAIN)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    return response;
  }

  static FullHttpResponse response(HttpResponseStatus status, String body) {
    return response(status, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
  }

  /** Answers with {@code status} and a plain-text body. */
  void respond(HttpResponseStatus status, String body) {
    send(response(status, body), null);
  }

  /**
   * Writes {@code response} unless this exchange was answered already; {@code afterWrite} runs once
   * the response is written (or failed to be).
   */
  void send(FullHttpResponse response, ChannelFutureListener afterWrite) {
    if (!ctx.executor().inEventLoop()) {
      onEventLoop(() -> send(response, afterWrite));
      return;
    }
    if (responded) {
      response.release();
      return;
    }
    responded = true;
    if (timeout != null) {
      timeout.cancel(false);
    }
    boolean keep = keepAlive && !closeAfter && ctx.channel().isActive();
    if (keep) {
      if (http10) {
        // HTTP/1.1 keeps connections open by default; HTTP/1.0 needs the header echoed.
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      }
    } else {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    metrics.answered(route, response.status().code(), System.nanoTime() - startNanos);
    ChannelFuture written = ctx.writeAndFlush(response);
    if (afterWrite != null) {
      written.addListener(afterWrite);
    }
    if (!keep) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  /**
   * Refuses the request: counts {@code reason}, writes one log line with {@code detail} (none when
   * {@code detail} is {@code null}: the repeats of a flood), answers {@code status} with its reason
   * phrase.
   */
  void reject(HttpResponseStatus status, Rejection reason, String detail) {
    reject(response(status, status.reasonPhrase()), reason, detail);
  }

  void reject(FullHttpResponse response, Rejection reason, String detail) {
    if (responded) {
      response.release();
      return;
    }
    metrics.rejected(reason);
    if (detail != null) {
      int code = response.status().code();
      String target = MetadataPaths.forLog(this.target);
      if (code >= 500) {
        log.warn(
            "Answered {} {} from {} with {}: {}", method, target, callerForLog(), code, detail);
      } else {
        log.info("Refused {} {} from {} with {}: {}", method, target, callerForLog(), code, detail);
      }
    }
    send(response, null);
  }

  /** Answers a role decision that is not {@link RoleOutcome.Permitted}: 404, 403 or 503. */
  void refuse(RoleOutcome outcome) {
    switch (outcome) {
      case RoleOutcome.NoRole noRole -> {
        try (LogContext _ = LogContext.of(noRole.pod())) {
          // Once per pod at INFO: an SDK without credentials asks again on every lookup.
          if (noRoleLogged.first(noRole.pod().uid())) {
            log.info(
                "Pod {} at {} has no role: 404 (it has no iam.amazonaws.com/role annotation and"
                    + " there is no --default-role; logged once per pod)",
                noRole.pod().qualifiedName(),
                callerForLog());
          } else {
            log.debug(
                "Pod {} at {} has no role: 404", noRole.pod().qualifiedName(), callerForLog());
          }
        }
        respond(HttpResponseStatus.NOT_FOUND, HttpResponseStatus.NOT_FOUND.reasonPhrase());
      }
      case RoleOutcome.Refused refused -> {
        try (LogContext _ = LogContext.of(refused.pod())) {
          // The log gets the detail (other pods' names included); the caller only the reason.
          log.info(
              "Refused {} {} from {} with 403: {} ({})",
              method,
              MetadataPaths.forLog(target),
              callerForLog(),
              refused.detail(),
              refused.kind());
        }
        respond(HttpResponseStatus.FORBIDDEN, refused.reason());
      }
      case RoleOutcome.Unavailable unavailable -> {
        log.warn(
            "Answered {} {} from {} with 503: {}",
            method,
            MetadataPaths.forLog(target),
            callerForLog(),
            unavailable.detail());
        respond(HttpResponseStatus.SERVICE_UNAVAILABLE, unavailable.reason());
      }
      case RoleOutcome.Permitted permitted ->
          fail(new IllegalStateException("a permitted role reached the refusal path"));
    }
  }

  /** Answers 500 for a fault of ours, logged with its stack trace. */
  void fail(Throwable error) {
    if (responded) {
      return;
    }
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    metrics.rejected(Rejection.INTERNAL_ERROR);
    log.warn(
        "Failed to answer {} {} from {}",
        method,
        MetadataPaths.forLog(target),
        callerForLog(),
        cause);
    send(
        response(
            HttpResponseStatus.INTERNAL_SERVER_ERROR,
            HttpResponseStatus.INTERNAL_SERVER_ERROR.reasonPhrase()),
        null);
  }

  /**
   * Runs {@code then} on the event loop once {@code stage} completes: at once when it already has
   * (the cached hot path, no thread hop), else when it does — unless the response timeout answered
   * 503 first. Exceptions thrown by {@code then} become a 500.
   */
  <T> void await(CompletionStage<T> stage, BiConsumer<? super T, ? super Throwable> then) {
    stage.whenComplete(
        (value, error) -> {
          if (ctx.executor().inEventLoop()) {
            complete(then, value, error);
          } else {
            onEventLoop(() -> complete(then, value, error));
          }
        });
    if (!responded && timeout == null) {
      timeout =
          ctx.executor().schedule(this::timedOut, responseTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private <T> void complete(
      BiConsumer<? super T, ? super Throwable> then, T value, Throwable error) {
    if (responded) {
      return;
    }
    try {
      then.accept(value, error);
    } catch (RuntimeException e) {
      fail(e);
    }
  }

  private void timedOut() {
    if (!responded) {
      reject(
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          Rejection.RESPONSE_TIMEOUT,
          "no answer within " + responseTimeout);
    }
  }

  private void onEventLoop(Runnable task) {
    EventExecutor loop = ctx.executor();
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      // The server is shutting down and the connection with it; nobody is left to answer.
      log.debug("Dropped a response for {} while shutting down", caller);
    }
  }
}
