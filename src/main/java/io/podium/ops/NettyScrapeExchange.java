package io.podium.ops;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.prometheus.metrics.exporter.common.PrometheusHttpExchange;
import io.prometheus.metrics.exporter.common.PrometheusHttpRequest;
import io.prometheus.metrics.exporter.common.PrometheusHttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One scrape as client_java's transport-neutral exchange: the request's method, path, query and
 * headers (copied, so that the Netty request can be released), and a response collected in memory
 * and written in one buffer.
 */
final class NettyScrapeExchange implements PrometheusHttpExchange {

  private final String method;
  private final String path;
  private final @Nullable String query;
  private final HttpHeaders headers;
  private final Map<String, String> responseHeaders = new LinkedHashMap<>();
  private final ByteArrayOutputStream body = new ByteArrayOutputStream();
  private int status = HttpResponseStatus.INTERNAL_SERVER_ERROR.code();

  NettyScrapeExchange(FullHttpRequest request, String path) {
    this.method = request.method().name();
    this.path = path;
    String uri = request.uri();
    int question = uri.indexOf('?');
    this.query = question < 0 ? null : uri.substring(question + 1);
    this.headers = request.headers().copy();
  }

  @Override
  public PrometheusHttpRequest getRequest() {
    return new PrometheusHttpRequest() {
      @Override
      public @Nullable String getQueryString() {
        return query;
      }

      @Override
      public Enumeration<String> getHeaders(String name) {
        return Collections.enumeration(headers.getAll(name));
      }

      @Override
      public String getMethod() {
        return method;
      }

      @Override
      public String getRequestPath() {
        return path;
      }
    };
  }

  @Override
  public PrometheusHttpResponse getResponse() {
    return new PrometheusHttpResponse() {
      @Override
      public void setHeader(String name, String value) {
        responseHeaders.put(name, value);
      }

      @Override
      public OutputStream sendHeadersAndGetBody(int statusCode, int contentLength) {
        status = statusCode;
        return body;
      }
    };
  }

  @Override
  public void handleException(IOException e) throws IOException {
    throw e;
  }

  @Override
  public void handleException(RuntimeException e) {
    throw e;
  }

  @Override
  public void close() {}

  /** The collected answer. */
  FullHttpResponse response() {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(status),
            Unpooled.wrappedBuffer(body.toByteArray()));
    responseHeaders.forEach((name, value) -> response.headers().set(name, value));
    return response;
  }
}
