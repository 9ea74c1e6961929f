package io.podium.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podium.agent.ServerAddress;
import io.podium.agent.ServerConnections;
import io.podium.agent.TlsExplanations;
import io.podium.testing.LogCapture;
import io.podium.tls.CertificateAuthority;
import io.podium.tls.Pem;
import io.podium.tls.RefusalReason;
import io.podium.tls.ReloadingTls;
import io.podium.tls.TlsFailures;
import io.podium.tls.TlsFiles;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A refused TLS handshake between a real agent and a real server on loopback explains itself on
 * both sides: which side refused which certificate, and why (an unknown CA, an expired certificate,
 * a name that does not match), instead of gRPC's {@code UNAVAILABLE io exception}.
 */
class TlsRefusalIT {

  private final Instant now = Instant.now();
  private final Instant longAgo = now.minus(Duration.ofDays(30));
  private final Instant later = now.plus(Duration.ofDays(30));
  private static final Instant EXPIRED_AT = Instant.parse("2020-01-02T00:00:00Z");

  @RegisterExtension final LogCapture logs = new LogCapture();
  @TempDir Path dir;

  private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);
  private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
  private final List<AutoCloseable> closeInReverse = new ArrayList<>();
  private final SecureRandom random = new SecureRandom();
  private CertificateAuthority ca;
  private CertificateAuthority stranger;
  private InProcessAgentApi api;
  private ReloadingTls serverTls;

  @BeforeEach
  void setUp() throws Exception {
    ca = CertificateAuthority.create("podium-ca", longAgo, later, random);
    stranger = CertificateAuthority.create("stranger-ca", longAgo, later, random);
    Pem.write(dir.resolve("ca.crt"), ca.certificate());
    Pem.write(dir.resolve("stranger-ca.crt"), stranger.certificate());
    api = new InProcessAgentApi();
    closeInReverse.add(api);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closeInReverse.size() - 1; i >= 0; i--) {
      closeInReverse.get(i).close();
    }
    timers.shutdownNow();
    calls.shutdownNow();
  }

  @Test
  void theServerRefusesAnAgentCertificateFromAnUnknownCaAndBothSidesSaySo() throws Exception {
    int port = startServer(files("server", serverCertificate(ca, "localhost", now)));
    Path agentCert = dir.resolve("agent.crt");

    ServerConnections agent =
        startAgent(
            files("agent", stranger.issueAgent("node-a", longAgo, later)), "127.0.0.1", port);

    String server = awaitLine(ReloadingTls.class, "TLS from an agent failed: ");
    assertThat(server)
        .contains("we refused its certificate CN=node-a,O=podium")
        .contains("spiffe://podium/node/node-a")
        .contains("it is signed by a CA not in --tls-ca " + dir.resolve("server-ca.crt"))
        .contains("its issuer: CN=stranger-ca,O=podium");
    String line = awaitLine("io.podium.agent", "TLS to server 127.0.0.1@127.0.0.1:" + port);
    assertThat(line)
        .contains("failed: the server refused our certificate (--tls-cert " + agentCert)
        .contains("CN=node-a,O=podium")
        // The alert depends on the server's TLS engine: the JDK's sends certificate_unknown,
        // BoringSSL internal_error; the likely cause comes from this side's own certificate.
        .containsPattern(
            "TLS alert (certificate_unknown|unknown_ca|bad_certificate|internal_error)")
        .contains(
            "likely cause: our certificate is not issued by a CA in --tls-ca "
                + dir.resolve("agent-ca.crt"));
    assertThat(agent.tlsFailure()).hasValueSatisfying(f -> assertThat(line).startsWith(f));
    assertThat(serverTls.refusals(RefusalReason.UNKNOWN_CA)).isPositive();
  }

  @Test
  void theServerRefusesAnExpiredAgentCertificateAndBothSidesSaySo() throws Exception {
    int port = startServer(files("server", serverCertificate(ca, "localhost", now)));

    startAgent(
        files("agent", ca.issueAgent("node-a", EXPIRED_AT.minus(Duration.ofDays(1)), EXPIRED_AT)),
        "127.0.0.1",
        port);

    assertThat(awaitLine(ReloadingTls.class, "TLS from an agent failed: "))
        .contains("we refused its certificate CN=node-a,O=podium")
        .contains(": it expired at 2020-01-02T00:00:00Z");
    assertThat(awaitLine("io.podium.agent", "TLS to server 127.0.0.1@127.0.0.1:" + port))
        .contains("the server refused our certificate (--tls-cert " + dir.resolve("agent.crt"))
        .containsPattern("TLS alert (certificate_expired|certificate_unknown)")
        .contains("likely cause: our certificate expired at 2020-01-02T00:00:00Z");
    assertThat(serverTls.refusals(RefusalReason.EXPIRED)).isPositive();
  }

  @Test
  void theServerRefusesAnAgentWhoseCertificateNamesAnotherNodeAndBothSidesSaySo() throws Exception {
    int port = startServer(files("server", serverCertificate(ca, "localhost", now)));

    startAgent(files("agent", ca.issueAgent("node-b", longAgo, later)), "127.0.0.1", port);

    assertThat(awaitLine(NodeCredentialsService.class, "Refused a watch for node node-a"))
        .contains("from the agent of node node-b (/127.0.0.1:")
        .contains("with certificate CN=node-b,O=podium (names: spiffe://podium/node/node-b")
        .contains("it is authenticated as node node-b by its certificate's node URI SAN");
    assertThat(awaitLine("io.podium.agent", "Server 127.0.0.1@127.0.0.1:" + port))
        .contains(
            "refused this agent: PERMISSION_DENIED this agent is authenticated as node node-b")
        .contains(
            "we claim --node node-a with our certificate --tls-cert " + dir.resolve("agent.crt"))
        .contains(": CN=node-b,O=podium, expires ");
  }

  @Test
  void theAgentRefusesAServerCertificateFromAnUnknownCaAndSaysWhy() throws Exception {
    int port = startServer(files("server", serverCertificate(stranger, "localhost", now)));

    ServerConnections agent =
        startAgent(files("agent", ca.issueAgent("node-a", longAgo, later)), "127.0.0.1", port);

    String line = awaitLine("io.podium.agent", "TLS to server 127.0.0.1@127.0.0.1:" + port);
    assertThat(line)
        .contains("failed: we refused the server's certificate CN=localhost,O=podium (names:")
        .contains(": it is signed by a CA not in --tls-ca " + dir.resolve("agent-ca.crt"))
        .contains("(its issuer: CN=stranger-ca,O=podium)");
    await().atMost(Duration.ofSeconds(10)).until(() -> agent.tlsFailure().isPresent());
    assertThat(agent.tlsFailure().orElseThrow()).contains("we refused the server's certificate");
  }

  @Test
  void theAgentRefusesAnExpiredServerCertificateAndSaysWhen() throws Exception {
    int port =
        startServer(
            files(
                "server",
                ca.issueServer(
                    "localhost",
                    List.of("localhost"),
                    List.of(InetAddress.getLoopbackAddress()),
                    EXPIRED_AT.minus(Duration.ofDays(1)),
                    EXPIRED_AT)));

    startAgent(files("agent", ca.issueAgent("node-a", longAgo, later)), "127.0.0.1", port);

    assertThat(awaitLine("io.podium.agent", "TLS to server 127.0.0.1@127.0.0.1:" + port))
        .contains("we refused the server's certificate CN=localhost,O=podium")
        .contains(": it expired at 2020-01-02T00:00:00Z");
  }

  @Test
  void theAgentRefusesAServerCertificateNotValidForTheNameItDialled() throws Exception {
    int port =
        startServer(
            files(
                "server",
                ca.issueServer(
                    "podium-server.example",
                    List.of("podium-server.example"),
                    List.of(),
                    longAgo,
                    later)));

    startAgent(files("agent", ca.issueAgent("node-a", longAgo, later)), "127.0.0.1", port);

    assertThat(awaitLine("io.podium.agent", "TLS to server 127.0.0.1@127.0.0.1:" + port))
        .contains("we refused the server's certificate CN=podium-server.example,O=podium")
        .contains(
            ": it is not valid for 127.0.0.1 (names: podium-server.example,"
                + " spiffe://podium/server)");
  }

  @Test
  void aRefusalThatRepeatsIsLoggedOnceAtFullVolume() throws Exception {
    int port = startServer(files("server", serverCertificate(stranger, "localhost", now)));
    ServerConnections agent =
        startAgent(files("agent", ca.issueAgent("node-a", longAgo, later)), "127.0.0.1", port);

    // Three attempts at least: the backoff starts at 200 ms.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                logs.events().stream()
                        .filter(e -> e.getFormattedMessage().startsWith("TLS to server "))
                        .count()
                    >= 3);

    assertThat(
            logs.events().stream()
                .filter(e -> e.getFormattedMessage().startsWith("TLS to server "))
                .filter(e -> e.getLevel().toString().equals("ERROR")))
        .hasSize(1);
    assertThat(agent.tlsFailure()).isPresent();
  }

  // --- fixtures -------------------------------------------------------------------------------

  private CertificateAuthority.Issued serverCertificate(
      CertificateAuthority issuer, String name, Instant now) {
    return issuer.issueServer(
        name,
        List.of(name),
        List.of(InetAddress.getLoopbackAddress()),
        now.minus(Duration.ofDays(1)),
        now.plus(Duration.ofDays(1)));
  }

  /** {@code role}.crt, .key and {@code role}-ca.crt (the good CA) in the test's directory. */
  private TlsFiles files(String role, CertificateAuthority.Issued issued) throws Exception {
    Path certificate = dir.resolve(role + ".crt");
    Path key = dir.resolve(role + ".key");
    Path trusted = dir.resolve(role + "-ca.crt");
    Pem.write(certificate, issued.certificate());
    Pem.write(key, issued.key());
    Pem.write(trusted, ca.certificate());
    return new TlsFiles(certificate, key, trusted);
  }

  private int startServer(TlsFiles files) {
    serverTls = ReloadingTls.load(files, ReloadingTls.Side.SERVER, Duration.ofSeconds(30), timers);
    closeInReverse.add(serverTls);
    AgentApiServer server =
        new AgentApiServer(
                new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                null,
                serverTls.serverCredentials(),
                api.service,
                new CertificateNodeAuthenticator(),
                calls)
            .start();
    closeInReverse.add(server);
    return server.address().getPort();
  }

  /** The agent of node-a, dialling {@code host} at {@code port}. */
  private ServerConnections startAgent(TlsFiles files, String host, int port) {
    ReloadingTls tls =
        ReloadingTls.load(files, ReloadingTls.Side.AGENT, Duration.ofSeconds(30), timers);
    closeInReverse.add(tls);
    TlsFailures failures = tls.failures();
    ServerConnections connections =
        new ServerConnections(
                new ServerConnections.Settings(
                    List.of(new ServerAddress(host, port)),
                    "node-a",
                    Duration.ofMillis(800),
                    Duration.ofMillis(100),
                    Duration.ofMinutes(1),
                    Duration.ofMinutes(20),
                    Duration.ofSeconds(30),
                    "test"),
                tls.channelCredentials(),
                null,
                Clock.systemUTC(),
                timers,
                new PrometheusRegistry())
            .explainTls(
                new TlsExplanations() {
                  @Override
                  public Optional<String> explain(Throwable failure) {
                    return failures.explain(failure);
                  }

                  @Override
                  public String ourCertificate() {
                    return failures.ourCertificate();
                  }
                });
    closeInReverse.add(connections);
    connections.start();
    return connections;
  }

  private String awaitLine(Class<?> logger, String prefix) {
    return awaitLine(logger.getName(), prefix);
  }

  private String awaitLine(String loggerPrefix, String prefix) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> logs.messagesFrom(loggerPrefix).stream().anyMatch(m -> m.startsWith(prefix)));
    return logs.messagesFrom(loggerPrefix).stream()
        .filter(m -> m.startsWith(prefix))
        .findFirst()
        .orElseThrow();
  }
}
