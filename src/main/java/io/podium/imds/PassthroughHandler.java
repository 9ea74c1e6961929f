package io.podium.imds;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.concurrent.CompletionException;

/**
 * Every path that is not one of Podium's own: copied from the node's metadata service when the
 * {@link PassthroughPolicy} allows it and an upstream is configured, else 404. Upstream failures
 * are 502.
 */
final class PassthroughHandler implements RouteHandler {

  private final PassthroughPolicy policy;
  private final MetadataUpstream upstream;

  /**
   * @param upstream {@code null} when passthrough is off
   */
  PassthroughHandler(PassthroughPolicy policy, MetadataUpstream upstream) {
    this.policy = policy;
    this.upstream = upstream;
  }

  @Override
  public void handle(Exchange exchange) {
    String path = exchange.path();
    if (policy.denied(path)) {
      exchange.reject(
          HttpResponseStatus.NOT_FOUND,
          Rejection.PATH_DENIED,
          "never passed through to the node's metadata service");
      return;
    }
    if (upstream == null) {
      exchange.reject(
          HttpResponseStatus.NOT_FOUND,
          Rejection.PASSTHROUGH_OFF,
          "not answered here and passthrough is off (--metadata-upstream none)");
      return;
    }
    if (!policy.allowed(path)) {
      exchange.reject(
          HttpResponseStatus.NOT_FOUND,
          Rejection.PATH_NOT_ALLOWED,
          "not in the passthrough allow-list (--allow-route-regexp)");
      return;
    }
    exchange.await(
        upstream.get(path),
        (answer, error) -> {
          if (error != null) {
            exchange.reject(
                HttpResponseStatus.BAD_GATEWAY,
                Rejection.UPSTREAM_ERROR,
                "upstream " + upstream.base() + " failed: " + describe(error));
            return;
          }
          FullHttpResponse response =
              Exchange.response(
                  HttpResponseStatus.valueOf(answer.status()),
                  Unpooled.wrappedBuffer(answer.body()));
          if (answer.contentType() != null) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, answer.contentType());
          }
          exchange.send(response, null);
        });
  }

  private static String describe(Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
