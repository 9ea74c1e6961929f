package io.podium.ops;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes: {@code /metrics} through client_java's scrape handler, {@code /healthz} (and {@code
 * /livez}) and {@code /readyz} from {@link Health}, 404 for anything else. Checks and scrapes run
 * on executors of their own, never on the event loop; every answer closes its connection.
 */
@Sharable
final class OpsHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  private static final Logger log = LoggerFactory.getLogger(OpsHandler.class);

  private final Health health;
  private final PrometheusScrapeHandler metrics;
  private final Executor probes;
  private final Executor scrapes;

  OpsHandler(Health health, PrometheusScrapeHandler metrics, Executor probes, Executor scrapes) {
    this.health = health;
    this.metrics = metrics;
    this.probes = probes;
    this.scrapes = scrapes;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (!request.decoderResult().isSuccess()) {
      send(ctx, false, text(HttpResponseStatus.BAD_REQUEST, "malformed request\n"));
      return;
    }
    boolean head = request.method().equals(HttpMethod.HEAD);
    if (!head && !request.method().equals(HttpMethod.GET)) {
      FullHttpResponse refusal =
          text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed\n");
      refusal.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
      send(ctx, head, refusal);
      return;
    }
    String path = new QueryStringDecoder(request.uri()).path();
    Health.Probe probe =
        switch (path) {
          case "/healthz", "/livez" -> Health.Probe.LIVE;
          case "/readyz" -> Health.Probe.READY;
          default -> null;
        };
    if (probe != null) {
      run(ctx, probes, () -> send(ctx, head, probe(probe)));
    } else if (path.equals("/metrics")) {
      // The exchange holds copies of what it needs: the request is released after this method.
      NettyScrapeExchange exchange = new NettyScrapeExchange(request, path);
      run(ctx, scrapes, () -> send(ctx, head, scrape(exchange)));
    } else {
      send(
          ctx,
          head,
          text(HttpResponseStatus.NOT_FOUND, "not found: try /metrics, /healthz or /readyz\n"));
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug(
        "Closing the connection from {}: {}", ctx.channel().remoteAddress(), cause.toString());
    var _ = ctx.close();
  }

  private FullHttpResponse probe(Health.Probe probe) {
    Health.Report report = health.report(probe);
    return text(
        report.passing() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
        body(probe, report));
  }

  private FullHttpResponse scrape(NettyScrapeExchange exchange) {
    try {
      metrics.handleRequest(exchange);
      return exchange.response();
    } catch (IOException | RuntimeException e) {
      log.warn("Failed to answer a scrape", e);
      return text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "scrape failed\n");
    }
  }

  /** One line per check, in the style of the Kubernetes API server's verbose probes. */
  private static String body(Health.Probe probe, Health.Report report) {
    StringBuilder body = new StringBuilder();
    for (Health.Result result : report.results()) {
      body.append(result.passing() ? "[+]" : "[-]").append(result.name());
      body.append(result.passing() ? " ok" : " failed: " + result.whenFailing()).append('\n');
    }
    String name = probe == Health.Probe.LIVE ? "healthz" : "readyz";
    body.append(name).append(report.passing() ? " check passed" : " check failed").append('\n');
    return body.toString();
  }

  private static void run(ChannelHandlerContext ctx, Executor executor, Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      // Shutting down: nobody will answer.
      var _ = ctx.close();
    }
  }

  static FullHttpResponse text(HttpResponseStatus status, String body) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    return response;
  }

  /** Writes {@code response} in one buffer (without its body for HEAD) and closes. */
  private static void send(ChannelHandlerContext ctx, boolean head, FullHttpResponse response) {
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    FullHttpResponse written = head ? response.replace(Unpooled.EMPTY_BUFFER) : response;
    if (head) {
      response.release();
    }
    ctx.writeAndFlush(written).addListener(ChannelFutureListener.CLOSE);
  }
}
