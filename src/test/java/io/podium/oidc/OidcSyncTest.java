package io.podium.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.testing.MutableClock;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A sync pass that fails is counted and logged, never thrown; the process is then not ready. */
class OidcSyncTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T00:00:00Z"));
  private final PrometheusRegistry registry = new PrometheusRegistry();

  @Test
  void aPassThatCannotReadTheKeysIsCountedAsFailedAndLeavesTheProcessUnready() {
    KeySource unreachable =
        new KeySource() {
          @Override
          public Keys read() {
            throw new KeySourceException("the API server at https://10.0.0.1 refused", null);
          }

          @Override
          public String describe() {
            return "an unreachable API server";
          }
        };
    IssuerUrl issuer = IssuerUrl.parse("https://oidc.example.com");
    // The store is never reached: the pass ends when the keys cannot be read.
    OidcPublisher publisher =
        new OidcPublisher(
            unreachable,
            new S3IssuerStore(
                null,
                new S3IssuerStore.Settings("oidc-bucket", "aws", S3IssuerStore.PolicyMode.NONE)),
            Optional.empty(),
            new OidcPublisher.Settings(
                issuer, issuer.defaultJwksUri(), List.of(), false, Duration.ofDays(2), false),
            clock);
    OidcSync sync =
        new OidcSync(publisher, new OidcMetrics(registry), clock, Duration.ofMinutes(5), null);

    sync.runOnce();

    assertThat(sync.healthy()).isFalse();
    CounterSnapshot syncs =
        (CounterSnapshot)
            registry.scrape().stream()
                .filter(s -> s.getMetadata().getName().equals("podium_oidc_syncs"))
                .findFirst()
                .orElseThrow();
    assertThat(
            syncs.getDataPoints().stream()
                .filter(p -> p.getLabels().get("result").equals("failed"))
                .findFirst()
                .orElseThrow()
                .getValue())
        .isEqualTo(1.0);
  }
}
