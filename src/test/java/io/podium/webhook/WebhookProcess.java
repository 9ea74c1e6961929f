package io.podium.webhook;

import static org.awaitility.Awaitility.await;

import io.podium.testing.PodiumProcess;
import io.podium.tls.Pem;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * {@code podium webhook --pods-file} as a real process on loopback, with a certificate from {@code
 * podium certs --webhook-ip 127.0.0.1}, and an HTTPS client that trusts only that CA, as the API
 * server trusts its caBundle.
 */
final class WebhookProcess implements AutoCloseable {

  private final PodiumProcess process;
  private final Path dir;
  private final int port;
  private final int metricsPort;
  private final SSLContext tls;

  private WebhookProcess(
      PodiumProcess process, Path dir, int port, int metricsPort, SSLContext tls) {
    this.process = process;
    this.dir = dir;
    this.port = port;
    this.metricsPort = metricsPort;
    this.tls = tls;
  }

  /**
   * Makes the certificates, writes {@code accounts} (ServiceAccount and Namespace manifests) and
   * starts the webhook on them; returns once it is ready.
   */
  static WebhookProcess start(Path dir, String accounts, String... extraArgs) throws Exception {
    issueCertificate(dir);
    Path file = Files.writeString(dir.resolve("accounts.yaml"), accounts);
    int port = PodiumProcess.freePort();
    int metricsPort = PodiumProcess.freePort();
    List<String> args =
        new ArrayList<>(
            List.of(
                "webhook",
                "--pods-file",
                file.toString(),
                "--listen",
                "127.0.0.1:" + port,
                "--tls-cert",
                dir.resolve("certs/webhook.crt").toString(),
                "--tls-key",
                dir.resolve("certs/webhook.key").toString(),
                "--tls-refresh",
                "200ms",
                "--metrics-listen",
                "127.0.0.1:" + metricsPort));
    args.addAll(List.of(extraArgs));
    PodiumProcess process = PodiumProcess.start(dir, args);
    WebhookProcess webhook =
        new WebhookProcess(process, dir, port, metricsPort, trusting(dir.resolve("certs/ca.crt")));
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .failFast("podium webhook exited: " + process.output(), () -> !process.isAlive())
          .until(() -> webhook.ready());
    } catch (RuntimeException | Error e) {
      process.close();
      throw e;
    }
    return webhook;
  }

  /** {@code podium certs}: the CA (reused when it exists) and webhook.crt for 127.0.0.1. */
  static void issueCertificate(Path dir) throws IOException {
    try (PodiumProcess certs =
        PodiumProcess.start(
            dir,
            List.of(
                "certs",
                "--out",
                dir.resolve("certs").toString(),
                "--webhook-dns",
                "localhost",
                "--webhook-ip",
                "127.0.0.1"))) {
      await().atMost(Duration.ofSeconds(60)).until(() -> !certs.isAlive());
      if (certs.exitCode() != 0) {
        throw new IllegalStateException("podium certs failed: " + certs.output());
      }
    }
  }

  /** POSTs {@code body} to {@code path} over HTTPS, on a connection of its own. */
  HttpResponse<String> post(String path, String contentType, HttpRequest.BodyPublisher body)
      throws IOException, InterruptedException {
    return post(path, contentType, body, false);
  }

  HttpResponse<String> post(
      String path, String contentType, HttpRequest.BodyPublisher body, boolean expectContinue)
      throws IOException, InterruptedException {
    try (HttpClient client = client()) {
      return client.send(
          HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
              .header("Content-Type", contentType)
              .expectContinue(expectContinue)
              .timeout(Duration.ofSeconds(30))
              .POST(body)
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  HttpResponse<String> review(String body) throws IOException, InterruptedException {
    return post(
        "/mutate?timeout=10s", "application/json", HttpRequest.BodyPublishers.ofString(body));
  }

  /** The certificate a new connection is served. */
  X509Certificate servedCertificate() throws IOException, InterruptedException {
    HttpResponse<String> response =
        post("/mutate", "application/json", HttpRequest.BodyPublishers.ofString("{}"));
    Certificate[] chain = response.sslSession().orElseThrow().getPeerCertificates();
    return (X509Certificate) chain[0];
  }

  String metrics() throws IOException, InterruptedException {
    return get("/metrics").body();
  }

  boolean ready() {
    try {
      return get("/readyz").statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  PodiumProcess process() {
    return process;
  }

  Path dir() {
    return dir;
  }

  /** Stops the process with SIGTERM, as the kubelet does, and kills it if it lingers. */
  @Override
  public void close() {
    try {
      if (process.isAlive()) {
        process.stop(Duration.ofSeconds(30));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      process.close();
    }
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + path))
              .timeout(Duration.ofSeconds(5))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  private HttpClient client() {
    return HttpClient.newBuilder()
        .sslContext(tls)
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  private static SSLContext trusting(Path caFile) throws IOException, GeneralSecurityException {
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    X509Certificate[] cas = Pem.readCertificates(caFile);
    for (int i = 0; i < cas.length; i++) {
      trusted.setCertificateEntry("ca-" + i, cas[i]);
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }
}
