package io.podium.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhook's serving certificate, replaced on disk as cert-manager replaces it. */
class ReloadingCertificateTest {

  @TempDir Path dir;

  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private final CertificateAuthority ca =
      CertificateAuthority.create(
          "ca", now.minusSeconds(60), now.plus(Duration.ofDays(10)), new SecureRandom());

  @AfterEach
  void stop() {
    timers.shutdownNow();
  }

  private void issue(Instant notAfter) throws Exception {
    var issued =
        ca.issueWebhook(
            List.of("podium-webhook.podium.svc"),
            List.of(InetAddress.getLoopbackAddress()),
            now.minusSeconds(60),
            notAfter);
    Pem.write(dir.resolve("tls.key"), issued.key());
    Pem.write(dir.resolve("tls.crt"), issued.certificate());
  }

  @Test
  void servesTheNewCertificateOnceTheFilesChange() throws Exception {
    issue(now.plus(Duration.ofDays(1)));
    try (ReloadingCertificate tls =
        ReloadingCertificate.load(
            dir.resolve("tls.crt"), dir.resolve("tls.key"), Duration.ofMillis(50), timers)) {
      assertThat(tls.expiry()).isEqualTo(now.plus(Duration.ofDays(1)));
      assertThat(tls.validAt(now)).isTrue();
      String alias = tls.keyManager().chooseServerAlias("EC", null, null);
      assertThat(alias).isNotNull();

      issue(now.plus(Duration.ofDays(2)));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> tls.expiry().equals(now.plus(Duration.ofDays(2))));

      var chain =
          tls.keyManager()
              .getCertificateChain(tls.keyManager().chooseServerAlias("EC", null, null));
      assertThat(chain[0].getNotAfter().toInstant()).isEqualTo(now.plus(Duration.ofDays(2)));
      assertThat(tls.validAt(now.plus(Duration.ofDays(3)))).isFalse();
    }
  }

  @Test
  void keepsTheCertificateInForceWhenTheNewFilesAreBroken() throws Exception {
    issue(now.plus(Duration.ofDays(1)));
    try (ReloadingCertificate tls =
        ReloadingCertificate.load(
            dir.resolve("tls.crt"), dir.resolve("tls.key"), Duration.ofMillis(50), timers)) {
      Files.writeString(dir.resolve("tls.crt"), "-----BEGIN CERTIFICATE-----\nbroken\n");

      // Several checks pass over the broken files; the certificate in force stays.
      await()
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(5))
          .until(() -> tls.expiry().equals(now.plus(Duration.ofDays(1))));
      assertThat(tls.validAt(now)).isTrue();
    }
  }

  @Test
  void refusesToStartWithFilesThatCannotBeUsedNamingThem() {
    assertThatThrownBy(
            () ->
                ReloadingCertificate.load(
                    dir.resolve("missing.crt"),
                    dir.resolve("missing.key"),
                    Duration.ofSeconds(1),
                    timers))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing.crt");
  }
}
