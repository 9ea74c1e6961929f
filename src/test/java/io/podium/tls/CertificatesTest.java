package io.podium.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podium.testing.TestCertificates;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificatesTest {

  @TempDir Path dir;

  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
  private final Instant now = Instant.parse("2026-11-27T10:00:00Z");

  @AfterEach
  void stop() {
    timers.shutdownNow();
  }

  @Test
  void anAgentCertificateNamesItsNodeAndAServerCertificateNone() {
    CertificateAuthority ca =
        CertificateAuthority.create("ca", now, now.plus(Duration.ofDays(1)), new SecureRandom());
    var agent = ca.issueAgent("ip-10-0-1-5.eu-west-1.compute.internal", now, now.plusSeconds(60));
    var server =
        ca.issueServer(
            "s",
            List.of("podium-server"),
            List.of(InetAddress.getLoopbackAddress()),
            now,
            now.plusSeconds(60));

    assertThat(NodeNames.nodeOf(agent.certificate()))
        .contains("ip-10-0-1-5.eu-west-1.compute.internal");
    assertThat(NodeNames.nodeOf(server.certificate())).isEmpty();
    assertThat(agent.certificate().getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(agent.toString()).contains("redacted");
  }

  @Test
  void refusesANodeNameThatIsNotOne() {
    CertificateAuthority ca =
        CertificateAuthority.create("ca", now, now.plus(Duration.ofDays(1)), new SecureRandom());

    assertThatThrownBy(() -> ca.issueAgent("Node_1/../x", now, now.plusSeconds(60)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a node name");
  }

  @Test
  void reportsExpiryAndValidityOfTheFilesOnDisk() throws Exception {
    TestCertificates certs = TestCertificates.copyTo(dir);
    try (ReloadingTls good =
            ReloadingTls.load(
                certs.agent("node-a"), ReloadingTls.Side.AGENT, Duration.ofMinutes(1), timers);
        ReloadingTls expired =
            ReloadingTls.load(
                certs.expiredAgent(), ReloadingTls.Side.AGENT, Duration.ofMinutes(1), timers)) {
      assertThat(good.validAt(now)).isTrue();
      assertThat(good.certificateExpiry()).isAfter(Instant.parse("2119-01-01T00:00:00Z"));
      assertThat(expired.validAt(now)).isFalse();
      assertThat(expired.certificateExpiry()).isEqualTo(Instant.parse("2020-01-02T00:00:00Z"));
    }
  }

  @Test
  void refusesToStartWithAKeyThatIsNotOne() throws Exception {
    TestCertificates certs = TestCertificates.copyTo(dir);
    TlsFiles broken =
        new TlsFiles(
            certs.path("good/server.crt"), certs.path("good/ca.crt"), certs.path("good/ca.crt"));

    assertThatThrownBy(
            () ->
                ReloadingTls.load(broken, ReloadingTls.Side.SERVER, Duration.ofMinutes(1), timers))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot use the TLS files");
  }
}
