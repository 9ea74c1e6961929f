package io.podium.imds;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks what every request shares — that it decoded, comes from an IP, names a plain path, uses
 * the route's method and, unless it asks for one, carries a valid IMDSv2 token or none where that
 * is allowed — then hands it to its route's handler.
 */
@Sharable
final class MetadataRouter extends SimpleChannelInboundHandler<FullHttpRequest> {

  private static final Logger log = LoggerFactory.getLogger(MetadataRouter.class);

  private final Map<Route, RouteHandler> handlers;
  private final ImdsTokens tokens;
  private final boolean requireTokens;
  private final MetadataMetrics metrics;
  private final OncePerPod noRoleLogged;
  private final Duration responseTimeout;
  private final int maxHeaderSize;
  private final int maxInitialLineLength;

  MetadataRouter(
      Map<Route, RouteHandler> handlers,
      ImdsTokens tokens,
      MetadataSettings settings,
      MetadataMetrics metrics,
      OncePerPod noRoleLogged) {
    this.handlers = new EnumMap<>(handlers);
    for (Route route : Route.values()) {
      if (!this.handlers.containsKey(route)) {
        throw new IllegalArgumentException("no handler for route " + route);
      }
    }
    this.tokens = tokens;
    this.requireTokens = settings.requireImdsv2();
    this.metrics = metrics;
    this.noRoleLogged = noRoleLogged;
    this.responseTimeout = settings.responseTimeout();
    this.maxHeaderSize = settings.maxHeaderSize();
    this.maxInitialLineLength = settings.maxInitialLineLength();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    Exchange exchange = new Exchange(ctx, request, metrics, noRoleLogged, responseTimeout);
    try {
      route(exchange, request);
    } catch (RuntimeException e) {
      exchange.fail(e);
    }
  }

  private void route(Exchange exchange, FullHttpRequest request) {
    if (!exchange.isOpen()) {
      // What the decoder salvages from a connection closed mid-request: nobody is left to answer.
      log.debug("Connection from {} closed before its request was complete", exchange.caller());
      return;
    }
    if (!request.decoderResult().isSuccess()) {
      refuseMalformed(exchange, request.decoderResult().cause());
      return;
    }
    if (request.protocolVersion().majorVersion() != 1) {
      // What follows on the connection would be framed by rules we do not speak: close it.
      exchange.closeAfterResponse();
      exchange.reject(
          HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED,
          Rejection.MALFORMED_REQUEST,
          "malformed HTTP request (version " + request.protocolVersion() + ")");
      return;
    }
    if (exchange.caller() == null) {
      exchange.reject(
          HttpResponseStatus.FORBIDDEN,
          Rejection.UNKNOWN_CALLER,
          "the connection has no IP peer address");
      return;
    }
    if (exchange.path() == null) {
      exchange.reject(
          HttpResponseStatus.BAD_REQUEST,
          Rejection.MALFORMED_PATH,
          "not a plain absolute path (escapes, dot or empty segments and absolute URIs are refused)");
      return;
    }
    Route route = exchange.route();
    if (!exchange.method().name().equals(route.allowedMethod())) {
      FullHttpResponse response =
          Exchange.response(
              HttpResponseStatus.METHOD_NOT_ALLOWED,
              HttpResponseStatus.METHOD_NOT_ALLOWED.reasonPhrase());
      response.headers().set(HttpHeaderNames.ALLOW, route.allowedMethod());
      exchange.reject(
          response, Rejection.METHOD_NOT_ALLOWED, "this path answers " + route.allowedMethod());
      return;
    }
    if (route != Route.TOKEN && !tokenAccepted(exchange)) {
      return;
    }
    handlers.get(route).handle(exchange);
  }

  /** As on EC2: a token, when present, must be valid (401 otherwise, always). */
  private boolean tokenAccepted(Exchange exchange) {
    List<String> presented = exchange.headers().getAll(Exchange.TOKEN);
    if (presented.isEmpty()) {
      if (requireTokens) {
        exchange.reject(
            HttpResponseStatus.UNAUTHORIZED,
            Rejection.MISSING_TOKEN,
            "no IMDSv2 token, and this server requires one (--require-imdsv2)");
        return false;
      }
      return true;
    }
    if (presented.size() > 1) {
      exchange.reject(
          HttpResponseStatus.UNAUTHORIZED, Rejection.BAD_TOKEN, "more than one IMDSv2 token");
      return false;
    }
    return switch (tokens.verify(presented.getFirst(), exchange.caller())) {
      case VALID -> true;
      case MALFORMED -> {
        exchange.reject(
            HttpResponseStatus.UNAUTHORIZED, Rejection.BAD_TOKEN, "malformed IMDSv2 token");
        yield false;
      }
      case NOT_ISSUED_TO_CALLER -> {
        exchange.reject(
            HttpResponseStatus.UNAUTHORIZED,
            Rejection.BAD_TOKEN,
            "IMDSv2 token not issued to this address by this server (altered, issued to another"
                + " address, or issued before a restart)");
        yield false;
      }
      case EXPIRED -> {
        exchange.reject(
            HttpResponseStatus.UNAUTHORIZED, Rejection.EXPIRED_TOKEN, "expired IMDSv2 token");
        yield false;
      }
    };
  }

  private void refuseMalformed(Exchange exchange, Throwable cause) {
    if (cause instanceof TooLongHttpHeaderException) {
      exchange.reject(
          HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
          Rejection.HEADER_TOO_LARGE,
          "headers larger than " + maxHeaderSize + " bytes");
    } else if (cause instanceof TooLongHttpLineException) {
      exchange.reject(
          HttpResponseStatus.REQUEST_URI_TOO_LONG,
          Rejection.REQUEST_LINE_TOO_LONG,
          "request line longer than " + maxInitialLineLength + " bytes");
    } else {
      // The decoder's message may quote the offending input; its type says enough.
      exchange.reject(
          HttpResponseStatus.BAD_REQUEST,
          Rejection.MALFORMED_REQUEST,
          "malformed HTTP request (" + cause.getClass().getSimpleName() + ")");
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException || cause instanceof PrematureChannelClosureException) {
      log.debug(
          "Connection from {} failed: {}", Exchange.callerOf(ctx.channel()), cause.toString());
    } else {
      log.warn("Closing the connection from {}", Exchange.callerOf(ctx.channel()), cause);
    }
    var _ = ctx.close();
  }
}
