package io.podium.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpsServerTest {

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Health health = new Health();
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<Socket> sockets = new ArrayList<>();
  private OpsServer server;

  @AfterEach
  void stop() throws Exception {
    for (Socket socket : sockets) {
      socket.close();
    }
    if (server != null) {
      server.close();
    }
    http.close();
  }

  private OpsServer start() {
    return start(OpsServer.Limits.DEFAULT);
  }

  private OpsServer start(OpsServer.Limits limits) {
    server =
        OpsServer.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), registry, health, limits);
    return server;
  }

  private HttpResponse<String> send(String method, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            // Generous: a probe that answers at all answers in milliseconds.
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A raw connection from {@code source} (any 127/8 address) that sends {@code bytes}. */
  private Socket connectFrom(String source, String bytes) throws Exception {
    Socket socket = new Socket();
    sockets.add(socket);
    socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
    socket.connect(server.address(), 2_000);
    socket.setSoTimeout(10_000);
    OutputStream out = socket.getOutputStream();
    out.write(bytes.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return socket;
  }

  /**
   * Whether the server closed {@code socket}: its read ends (or is reset) instead of timing out.
   */
  private static boolean closedByServer(Socket socket) throws Exception {
    InputStream in = socket.getInputStream();
    try {
      return in.read() == -1;
    } catch (java.net.SocketException reset) {
      return true;
    }
  }

  @Test
  void probesAnswerWhileSlowClientsHoldConnectionsOpenWithOneByteEach() throws Exception {
    health.live("metadata-api", () -> true, "socket closed");
    start();
    // A slowloris from several pods: each connection sends one byte of a request and holds.
    for (String source : List.of("127.0.0.2", "127.0.0.3", "127.0.0.4")) {
      for (int i = 0; i < 8; i++) {
        connectFrom(source, "G");
      }
    }

    HttpResponse<String> probe = send("GET", "/healthz");

    assertThat(probe.statusCode()).isEqualTo(200);
    assertThat(probe.body()).contains("healthz check passed");
    assertThat(send("GET", "/metrics").statusCode()).isEqualTo(200);
  }

  @Test
  void closesAConnectionThatSendsNoWholeRequestWithinTheRequestTimeout() throws Exception {
    start(new OpsServer.Limits(Duration.ofMillis(300), 256, 16));

    Socket trickling = connectFrom("127.0.0.2", "GET /healthz HTTP/1.1\r\nHost: x");
    Socket silent = connectFrom("127.0.0.2", "");

    assertThat(closedByServer(trickling)).isTrue();
    assertThat(closedByServer(silent)).isTrue();
  }

  @Test
  void closesConnectionsBeyondTheCapOfTheirSourceAndKeepsAnsweringOthers() throws Exception {
    health.live("metadata-api", () -> true, "socket closed");
    start(new OpsServer.Limits(Duration.ofSeconds(30), 256, 4));
    for (int i = 0; i < 4; i++) {
      connectFrom("127.0.0.2", "G");
    }

    Socket fifth = connectFrom("127.0.0.2", "G");

    assertThat(closedByServer(fifth)).isTrue();
    assertThat(send("GET", "/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  void closesConnectionsBeyondTheOverallCap() throws Exception {
    start(new OpsServer.Limits(Duration.ofSeconds(30), 4, 2));
    for (String source : List.of("127.0.0.2", "127.0.0.3")) {
      connectFrom(source, "G");
      connectFrom(source, "G");
    }

    Socket beyond = connectFrom("127.0.0.4", "G");

    assertThat(closedByServer(beyond)).isTrue();
  }

  @Test
  void answersEveryRequestWithConnectionCloseSoThatNoClientHoldsAConnection() throws Exception {
    start();

    HttpResponse<String> probe = send("GET", "/healthz");

    assertThat(probe.headers().firstValue("connection")).hasValue("close");
  }

  @Test
  void readinessFailsUntilEveryCheckPassesAndSaysWhichFailed() throws Exception {
    AtomicBoolean synced = new AtomicBoolean();
    health
        .ready("metadata-api", () -> true, "not listening")
        .ready("pods-synced", synced::get, "the informers have not listed pods yet");
    start();

    HttpResponse<String> before = send("GET", "/readyz");
    assertThat(before.statusCode()).isEqualTo(503);
    assertThat(before.body())
        .contains("[+]metadata-api ok")
        .contains("[-]pods-synced failed: the informers have not listed pods yet")
        .endsWith("readyz check failed\n");

    synced.set(true);
    HttpResponse<String> after = send("GET", "/readyz");
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(after.body()).contains("[+]pods-synced ok").endsWith("readyz check passed\n");
  }

  @Test
  void livenessIgnoresReadinessChecks() throws Exception {
    AtomicBoolean listening = new AtomicBoolean(true);
    health
        .live("metadata-api", listening::get, "socket closed")
        .ready("server-synced", () -> false, "no server yet");
    start();

    assertThat(send("GET", "/healthz").statusCode()).isEqualTo(200);
    assertThat(send("GET", "/readyz").statusCode()).isEqualTo(503);
    listening.set(false);
    HttpResponse<String> dead = send("GET", "/healthz");
    assertThat(dead.statusCode()).isEqualTo(503);
    assertThat(dead.body()).contains("[-]metadata-api failed: socket closed");
  }

  @Test
  void aCheckThatThrowsFails() throws Exception {
    health.ready(
        "broken",
        () -> {
          throw new IllegalStateException("boom");
        },
        "could not tell");
    start();

    assertThat(send("GET", "/readyz").statusCode()).isEqualTo(503);
  }

  @Test
  void servesTheRegistryAndTheChecksAsMetrics() throws Exception {
    Counter requests =
        Counter.builder().name("podium_test_requests_total").help("t").register(registry);
    requests.inc(3);
    health.ready("pods-synced", () -> false, "not yet");
    OpsServer.registerProcessMetrics(registry, health, "standalone", "1.2.3");
    start();

    HttpResponse<String> metrics = send("GET", "/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("podium_test_requests_total 3.0")
        .contains("podium_health_check_passing{check=\"pods-synced\",probe=\"ready\"} 0.0")
        .contains("podium_build_info{component=\"standalone\",version=\"1.2.3\"} 1")
        .contains("jvm_memory_used_bytes{area=\"heap\"}")
        .contains("process_cpu_seconds_total");
  }

  @Test
  void answersOtherPathsAndMethodsWithTheirStatus() throws Exception {
    start();

    assertThat(send("GET", "/nope").statusCode()).isEqualTo(404);
    assertThat(send("POST", "/readyz").statusCode()).isEqualTo(405);
    assertThat(send("HEAD", "/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  void saysWhichOptionWhenTheAddressIsTaken() {
    start();

    assertThatThrownBy(
            () ->
                OpsServer.start(
                    new InetSocketAddress(
                        InetAddress.getLoopbackAddress(), server.address().getPort()),
                    new PrometheusRegistry(),
                    new Health()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("--metrics-listen");
  }
}
