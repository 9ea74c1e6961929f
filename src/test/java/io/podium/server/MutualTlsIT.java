package io.podium.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.NettyChannelBuilder;
import io.podium.testing.TestCertificates;
import io.podium.testing.TestPods;
import io.podium.tls.CertificateAuthority;
import io.podium.tls.Pem;
import io.podium.tls.ReloadingTls;
import io.podium.tls.TlsFiles;
import io.podium.wire.v1.NodeCredentialsGrpc;
import io.podium.wire.v1.WatchEvent;
import io.podium.wire.v1.WatchRequest;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent API over real sockets and mutual TLS, with the committed certificates: a good agent
 * certificate is its node, and every bad one (none, another CA's, an expired one) is refused before
 * any pod is seen; the server's certificate rotates on disk without dropping streams.
 */
class MutualTlsIT {

  @TempDir Path dir;

  private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);
  private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<ReloadingTls> clientTls = new ArrayList<>();
  private InProcessAgentApi api;
  private TestCertificates certs;
  private ReloadingTls serverTls;
  private AgentApiServer server;

  @BeforeEach
  void start() throws Exception {
    certs = TestCertificates.copyTo(dir);
    api = new InProcessAgentApi();
    api.permit("shop", "shop-.*");
    api.add(
        TestPods.running("shop", "web")
            .onNode("node-a")
            .withIp("10.0.1.5")
            .withRole("shop-web")
            .build());
    api.add(
        TestPods.running("shop", "db")
            .onNode("node-b")
            .withIp("10.0.2.7")
            .withRole("shop-db")
            .build());
    serverTls =
        ReloadingTls.load(certs.server(), ReloadingTls.Side.SERVER, Duration.ofMillis(100), timers);
    server =
        new AgentApiServer(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                null,
                serverTls.serverCredentials(),
                api.service,
                new CertificateNodeAuthenticator(),
                calls)
            .start();
  }

  @AfterEach
  void stop() {
    channels.forEach(ManagedChannel::shutdownNow);
    clientTls.forEach(ReloadingTls::close);
    server.close();
    serverTls.close();
    api.close();
    timers.shutdownNow();
    calls.shutdownNow();
  }

  private NodeCredentialsGrpc.NodeCredentialsStub client(ChannelCredentials credentials) {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(server.address(), credentials)
            .overrideAuthority("localhost:" + server.address().getPort())
            .build();
    channels.add(channel);
    return NodeCredentialsGrpc.newStub(channel);
  }

  private NodeCredentialsGrpc.NodeCredentialsStub agent(TlsFiles files) {
    ReloadingTls tls =
        ReloadingTls.load(files, ReloadingTls.Side.AGENT, Duration.ofSeconds(30), timers);
    clientTls.add(tls);
    return client(tls.channelCredentials());
  }

  private static RecordingObserver<WatchEvent> watch(NodeCredentialsGrpc.NodeCredentialsStub stub) {
    RecordingObserver<WatchEvent> events = new RecordingObserver<>();
    stub.watch(WatchRequest.getDefaultInstance(), events);
    return events;
  }

  private static void assertRefusedBeforeAnyPod(RecordingObserver<WatchEvent> events) {
    await().atMost(Duration.ofSeconds(10)).until(() -> events.error.get() != null);
    assertThat(Status.fromThrowable(events.error.get()).getCode())
        .isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(events.received).isEmpty();
  }

  @Test
  void anAgentCertificateIsItsNodeAndSeesOnlyThatNodesPods() {
    RecordingObserver<WatchEvent> events = watch(agent(certs.agent("node-a")));

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !events.received.isEmpty() && events.received.getLast().hasSynced());
    assertThat(events.received.getFirst().getHello().getNode()).isEqualTo("node-a");
    assertThat(events.received.stream().filter(WatchEvent::hasPod).map(e -> e.getPod().getName()))
        .containsExactly("web");
    assertThat(api.hub.streamCount()).isEqualTo(1);
  }

  @Test
  void refusesAClientWithoutACertificate() throws Exception {
    ChannelCredentials noCertificate =
        TlsChannelCredentials.newBuilder().trustManager(certs.path("good/ca.crt").toFile()).build();

    assertRefusedBeforeAnyPod(watch(client(noCertificate)));
    assertThat(api.hub.streamCount()).isZero();
  }

  @Test
  void refusesACertificateFromAnotherCa() {
    assertRefusedBeforeAnyPod(watch(agent(certs.otherCaAgent())));
    assertThat(api.hub.streamCount()).isZero();
  }

  @Test
  void refusesAnExpiredCertificate() {
    assertRefusedBeforeAnyPod(watch(agent(certs.expiredAgent())));
    assertThat(api.hub.streamCount()).isZero();
  }

  @Test
  void theAgentRefusesAServerWhoseCertificateDoesNotNameIt() {
    ReloadingTls tls =
        ReloadingTls.load(
            certs.agent("node-a"), ReloadingTls.Side.AGENT, Duration.ofSeconds(30), timers);
    clientTls.add(tls);
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(server.address(), tls.channelCredentials())
            .overrideAuthority("impostor.example:" + server.address().getPort())
            .build();
    channels.add(channel);

    assertRefusedBeforeAnyPod(watch(NodeCredentialsGrpc.newStub(channel)));
  }

  @Test
  void aRotatedServerCertificateIsServedWithoutDroppingOpenStreams() throws Exception {
    RecordingObserver<WatchEvent> events = watch(agent(certs.agent("node-a")));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !events.received.isEmpty() && events.received.getLast().hasSynced());
    BigInteger before = presentedSerial();

    CertificateAuthority ca =
        CertificateAuthority.of(
            Pem.readCertificates(certs.path("good/ca.crt"))[0],
            Pem.readKey(certs.path("good/ca.key")),
            new SecureRandom());
    CertificateAuthority.Issued rotated =
        ca.issueServer(
            "localhost",
            List.of("localhost"),
            List.of(InetAddress.getLoopbackAddress()),
            Instant.now().minusSeconds(60),
            Instant.now().plus(Duration.ofDays(1)));
    Pem.write(certs.path("good/server.key"), rotated.key());
    Pem.write(certs.path("good/server.crt"), rotated.certificate());
    // The reloader looks at modification times; make sure they moved whatever the clock's grain.
    FileTime later = FileTime.from(Instant.now().plusSeconds(5));
    Files.setLastModifiedTime(certs.path("good/server.crt"), later);
    Files.setLastModifiedTime(certs.path("good/server.key"), later);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> presentedSerial().equals(rotated.certificate().getSerialNumber()));
    assertThat(before).isNotEqualTo(rotated.certificate().getSerialNumber());
    api.add(
        TestPods.running("shop", "cart")
            .onNode("node-a")
            .withIp("10.0.1.9")
            .withRole("shop-web")
            .build());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                events.received.stream()
                    .anyMatch(e -> e.hasPod() && e.getPod().getName().equals("cart")));
    assertThat(events.error.get()).isNull();
    assertThat(serverTls.certificateExpiry())
        .isEqualTo(rotated.certificate().getNotAfter().toInstant());
  }

  /** The serial of the certificate the server presents to a new TLS connection now. */
  private BigInteger presentedSerial() throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry(
        "agent",
        Pem.readKey(certs.path("good/agent-node-a.key")),
        new char[0],
        Pem.readCertificates(certs.path("good/agent-node-a.crt")));
    KeyManagerFactory keyManagers = KeyManagerFactory.getInstance("PKIX");
    keyManagers.init(keys, new char[0]);
    X509Certificate[] presented = new X509Certificate[1];
    TrustManager recordOnly =
        new X509TrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType) {
            presented[0] = chain[0];
          }

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers.getKeyManagers(), new TrustManager[] {recordOnly}, null);
    try (SSLSocket socket =
        (SSLSocket)
            context
                .getSocketFactory()
                .createSocket(server.address().getAddress(), server.address().getPort())) {
      socket.setSoTimeout(5000);
      var parameters = socket.getSSLParameters();
      parameters.setApplicationProtocols(new String[] {"h2"});
      socket.setSSLParameters(parameters);
      socket.startHandshake();
    }
    return presented[0].getSerialNumber();
  }
}
