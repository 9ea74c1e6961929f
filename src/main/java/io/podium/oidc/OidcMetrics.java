package io.podium.oidc;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.Instant;

/** The {@code podium_oidc_*} metrics of {@code podium oidc sync}. */
public final class OidcMetrics {

  static final String SYNCS = "podium_oidc_syncs_total";
  static final String DURATION = "podium_oidc_sync_duration_seconds";
  static final String LAST_SUCCESS = "podium_oidc_last_success_timestamp_seconds";
  static final String KEYS = "podium_oidc_keys";

  private static final double[] DURATION_BUCKETS = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

  private final Counter syncs;
  private final Histogram duration;
  private final Gauge lastSuccess;
  private final Gauge keys;

  public OidcMetrics(PrometheusRegistry registry) {
    syncs =
        Counter.builder()
            .name(SYNCS)
            .help("Sync passes by result: published (a document changed), unchanged, failed")
            .labelNames("result")
            .register(registry);
    for (String result : new String[] {"published", "unchanged", "failed"}) {
      syncs.initLabelValues(result);
    }
    duration =
        Histogram.builder()
            .name(DURATION)
            .help("Time of one sync pass: reading the keys, S3 and IAM")
            .classicOnly()
            .classicUpperBounds(DURATION_BUCKETS)
            .register(registry);
    lastSuccess =
        Gauge.builder()
            .name(LAST_SUCCESS)
            .help("When a sync pass last succeeded, Unix seconds; 0 before the first")
            .register(registry);
    keys =
        Gauge.builder()
            .name(KEYS)
            .help("Keys in the published JWKS: current (the cluster signs with them) or retired")
            .labelNames("state")
            .register(registry);
    keys.labelValues("current").set(0);
    keys.labelValues("retired").set(0);
  }

  void succeeded(OidcPublisher.Pass pass, Duration elapsed, Instant now) {
    syncs.labelValues(pass.documentsChanged() ? "published" : "unchanged").inc();
    duration.observe(elapsed.toNanos() / 1e9);
    lastSuccess.set(now.toEpochMilli() / 1000.0);
    keys.labelValues("current").set(pass.current().size());
    keys.labelValues("retired").set(pass.retired().size());
  }

  void failed(Duration elapsed) {
    syncs.labelValues("failed").inc();
    duration.observe(elapsed.toNanos() / 1e9);
  }
}
