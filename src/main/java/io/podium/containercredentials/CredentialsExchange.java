package io.podium.containercredentials;

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
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One container-credentials request and its one response: every answer is JSON written in one
 * buffer with {@code Content-Length}, keep-alive honoured, counted once by {@link Outcome}; answers
 * computed on other threads are written on the channel's event loop, at most once, or replaced by a
 * 503 when they take longer than the response timeout. Errors are {@code {"Code", "Message"}}.
 *
 * <p>All state is confined to the channel's event loop.
 */
final class CredentialsExchange {

  private static final Logger log = LoggerFactory.getLogger(CredentialsExchange.class);
  private static final AsciiString APPLICATION_JSON = AsciiString.cached("application/json");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final ChannelHandlerContext ctx;
  private final ContainerCredentialsMetrics metrics;
  private final Duration responseTimeout;
  private final InetAddress caller;
  private final InetSocketAddress local;
  private final HttpMethod method;
  private final String target;
  private final HttpHeaders headers;
  private final boolean keepAlive;
  private final boolean http10;
  private final long startNanos;
  private boolean responded;
  private boolean closeAfter;
  private ScheduledFuture<?> timeout;

  CredentialsExchange(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      ContainerCredentialsMetrics metrics,
      Duration responseTimeout) {
    this.ctx = ctx;
    this.metrics = metrics;
    this.responseTimeout = responseTimeout;
    this.startNanos = System.nanoTime();
    this.caller = callerOf(ctx.channel());
    this.local = ctx.channel().localAddress() instanceof InetSocketAddress address ? address : null;
    this.method = request.method();
    this.target = request.uri();
    this.headers = request.headers();
    this.keepAlive = request.decoderResult().isSuccess() && HttpUtil.isKeepAlive(request);
    this.http10 = HttpVersion.HTTP_1_0.equals(request.protocolVersion());
  }

  /** The caller: the TCP peer address, never a header; {@code null} without an IP peer. */
  static InetAddress callerOf(Channel channel) {
    return channel.remoteAddress() instanceof InetSocketAddress peer ? peer.getAddress() : null;
  }

  InetAddress caller() {
    return caller;
  }

  /** The caller as logs show it: the bare address. */
  private String callerText() {
    return caller == null ? "(no IP)" : caller.getHostAddress();
  }

  /** The address the connection arrived on (one of the bound addresses). */
  InetSocketAddress local() {
    return local;
  }

  HttpMethod method() {
    return method;
  }

  String target() {
    return target;
  }

  HttpHeaders headers() {
    return headers;
  }

  boolean isOpen() {
    return ctx.channel().isActive();
  }

  void closeAfterResponse() {
    closeAfter = true;
  }

  /** A JSON response carrying {@code body}. */
  static FullHttpResponse json(HttpResponseStatus status, ByteBuf body) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, APPLICATION_JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    return response;
  }

  /** {@code {"Code": …, "Message": …}} for {@code outcome}. */
  static FullHttpResponse error(Outcome outcome, String message) {
    ObjectNode body = JSON.createObjectNode();
    body.put("Code", outcome.code());
    body.put("Message", message);
    return json(
        HttpResponseStatus.valueOf(outcome.status()),
        Unpooled.wrappedBuffer(JSON.writeValueAsBytes(body)));
  }

  /** Writes the credentials document; {@code afterWrite} runs once it is written (or failed). */
  void issue(byte[] document, ChannelFutureListener afterWrite) {
    send(Outcome.ISSUED, json(HttpResponseStatus.OK, Unpooled.wrappedBuffer(document)), afterWrite);
  }

  /**
   * Refuses the request: one log line with {@code detail} (none when {@code null}: the repeats of a
   * flood), and {@code message} to the caller.
   */
  void refuse(Outcome outcome, String message, String detail) {
    refuse(outcome, error(outcome, message), detail);
  }

  void refuse(Outcome outcome, FullHttpResponse response, String detail) {
    if (responded) {
      response.release();
      return;
    }
    if (detail != null) {
      if (outcome.status() >= 500) {
        log.warn(
            "Answered {} {} from {} with {}: {}",
            method,
            forLog(target),
            callerText(),
            outcome.status(),
            detail);
      } else {
        log.info(
            "Refused {} {} from {} with {} ({}): {}",
            method,
            forLog(target),
            callerText(),
            outcome.status(),
            outcome.label(),
            detail);
      }
    }
    send(outcome, response, null);
  }

  /** Answers 500 for a fault of ours, logged with its stack trace. */
  void fail(Throwable error) {
    if (responded) {
      return;
    }
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    log.warn("Failed to answer {} {} from {}", method, forLog(target), callerText(), cause);
    send(
        Outcome.INTERNAL_ERROR,
        error(Outcome.INTERNAL_ERROR, "the container-credentials endpoint failed; see its log"),
        null);
  }

  private void send(Outcome outcome, FullHttpResponse response, ChannelFutureListener afterWrite) {
    if (!ctx.executor().inEventLoop()) {
      onEventLoop(() -> send(outcome, response, afterWrite));
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
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      }
    } else {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    metrics.answered(outcome, System.nanoTime() - startNanos);
    ChannelFuture written = ctx.writeAndFlush(response);
    if (afterWrite != null) {
      written.addListener(afterWrite);
    }
    if (!keep) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  /**
   * Runs {@code then} on the event loop once {@code stage} completes: at once when it already has
   * (the cached hot path), else when it does — unless the response timeout answered 503 first.
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
      refuse(
          Outcome.RESPONSE_TIMEOUT,
          "no answer within " + responseTimeout.toMillis() + " ms; try again shortly",
          "no answer within " + responseTimeout);
    }
  }

  private void onEventLoop(Runnable task) {
    EventExecutor loop = ctx.executor();
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      log.debug("Dropped a response for {} while shutting down", caller);
    }
  }

  /** The request target as logs may show it: printable ASCII, at most 200 characters. */
  static String forLog(String target) {
    if (target == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(Math.min(target.length(), 200));
    for (int i = 0; i < target.length() && out.length() < 200; i++) {
      char c = target.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return target.length() > 200 ? out + "…" : out.toString();
  }
}
