package io.podium.imds;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the node's metadata service on 127.0.0.1 (the JDK's HTTP server): fixed answers
 * per path, optionally IMDSv2-only, recording every request it receives.
 */
final class FakeUpstream implements AutoCloseable {

  /** One request as the fake saw it. */
  record Seen(String method, String path, String token, String forwardedFor) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Map<String, String> answers = new ConcurrentHashMap<>();
  private final Set<String> validTokens = ConcurrentHashMap.newKeySet();
  private final AtomicInteger tokensIssued = new AtomicInteger();
  final List<Seen> seen = new CopyOnWriteArrayList<>();
  private volatile boolean requireTokens;
  private volatile Duration delay = Duration.ZERO;
  private volatile int bodyRepeat = 1;

  FakeUpstream() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  FakeUpstream answer(String path, String body) {
    answers.put(path, body);
    return this;
  }

  /** Behave like an instance with HttpTokens=required. */
  FakeUpstream requireTokens() {
    requireTokens = true;
    return this;
  }

  /** Forget every token issued, as a restarted metadata service would. */
  void invalidateTokens() {
    validTokens.clear();
  }

  void delay(Duration value) {
    delay = value;
  }

  void repeatBodies(int times) {
    bodyRepeat = times;
  }

  int tokensIssued() {
    return tokensIssued.get();
  }

  List<Seen> gets() {
    return seen.stream().filter(s -> s.method().equals("GET")).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    String token = exchange.getRequestHeaders().getFirst("X-aws-ec2-metadata-token");
    seen.add(
        new Seen(
            exchange.getRequestMethod(),
            path,
            token,
            exchange.getRequestHeaders().getFirst("X-Forwarded-For")));
    try {
      if (!delay.isZero()) {
        Thread.sleep(delay.toMillis());
      }
      if (exchange.getRequestMethod().equals("PUT") && path.equals("/latest/api/token")) {
        String issued = "upstream-token-" + tokensIssued.incrementAndGet();
        validTokens.add(issued);
        send(exchange, 200, issued);
      } else if (token != null ? !validTokens.contains(token) : requireTokens) {
        send(exchange, 401, "");
      } else if (answers.containsKey(path)) {
        send(exchange, 200, answers.get(path).repeat(bodyRepeat));
      } else {
        send(exchange, 404, "<html>Not Found</html>");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      exchange.close();
    }
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
