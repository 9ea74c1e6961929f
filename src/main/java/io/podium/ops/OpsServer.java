package io.podium.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations endpoint on {@code --metrics-listen}: {@code /metrics} (Prometheus text or
 * OpenMetrics, by the exporter of client_java), {@code /healthz} (liveness) and {@code /readyz}
 * (readiness), each 200 or 503 with one line per check. Plain HTTP on a port of its own, apart from
 * the metadata API that pods reach. This class only binds, starts and stops.
 */
public final class OpsServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(OpsServer.class);

  private final HTTPServer server;
  private final ExecutorService executor;
  private final InetSocketAddress address;

  private OpsServer(HTTPServer server, ExecutorService executor, InetSocketAddress address) {
    this.server = server;
    this.executor = executor;
    this.address = address;
  }

  /**
   * Binds {@code listen} and serves {@code registry} and {@code health}.
   *
   * @throws IllegalStateException when the address cannot be bound, saying why
   */
  public static OpsServer start(
      InetSocketAddress listen, PrometheusRegistry registry, Health health) {
    // Probes and scrapes are rare and quick; two threads keep a slow scrape from delaying a probe.
    ExecutorService executor =
        Executors.newFixedThreadPool(
            2, Thread.ofPlatform().name("podium-ops-", 0).daemon().factory());
    try {
      HTTPServer server =
          HTTPServer.builder()
              .inetAddress(listen.getAddress())
              .port(listen.getPort())
              .registry(registry)
              .executorService(executor)
              .registerHealthHandler(false)
              .defaultHandler(new ProbeHandler(health))
              .buildAndStart();
      InetSocketAddress bound = new InetSocketAddress(listen.getAddress(), server.getPort());
      log.info("Metrics on http://{}/metrics, probes on /healthz and /readyz", hostPort(bound));
      return new OpsServer(server, executor, bound);
    } catch (IOException e) {
      executor.shutdownNow();
      throw new IllegalStateException(
          "cannot listen on " + hostPort(listen) + " (--metrics-listen): " + e.getMessage(), e);
    }
  }

  /**
   * Registers what every Podium process exports besides its parts' metrics: the JVM's and the
   * process's own ({@code jvm_*}, {@code process_*}), {@code podium_build_info} and the health
   * checks' results.
   */
  public static void registerProcessMetrics(
      PrometheusRegistry registry, Health health, String component, String version) {
    JvmMetrics.builder().register(registry);
    Info buildInfo =
        Info.builder()
            .name("podium_build_info")
            .help("Always 1: the version and the command (component) of this process")
            .labelNames("version", "component")
            .register(registry);
    buildInfo.addLabelValues(version, component);
    health.register(registry);
  }

  public InetSocketAddress address() {
    return address;
  }

  @Override
  public void close() {
    server.close();
    executor.shutdownNow();
  }

  private static String hostPort(InetSocketAddress address) {
    String host = address.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  /** {@code /healthz} and {@code /readyz}; everything else but {@code /metrics} is 404. */
  private static final class ProbeHandler implements HttpHandler {

    private final Health health;

    ProbeHandler(Health health) {
      this.health = health;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
      try (exchange) {
        String path = exchange.getRequestURI().getPath();
        Health.Probe probe =
            switch (path) {
              case "/healthz", "/livez" -> Health.Probe.LIVE;
              case "/readyz" -> Health.Probe.READY;
              default -> null;
            };
        if (probe == null) {
          send(exchange, 404, "not found: try /metrics, /healthz or /readyz\n");
          return;
        }
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
          exchange.getResponseHeaders().set("Allow", "GET, HEAD");
          send(exchange, 405, "method not allowed\n");
          return;
        }
        Health.Report report = health.report(probe);
        send(exchange, report.passing() ? 200 : 503, body(probe, report));
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

    private static void send(HttpExchange exchange, int status, String text) throws IOException {
      byte[] body = text.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      boolean head = exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(status, head ? -1 : body.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }
}
