package io.podium.webhook;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Locale;

/**
 * The admission webhook's metrics, registered on the registry the process passes in and removed on
 * {@link #close()}: admissions by outcome, how long each took, and requests refused before an
 * answer. Labels are bounded enums.
 */
public final class WebhookMetrics implements AutoCloseable {

  // The API server gives a webhook 10 s by default; most answers take a millisecond.
  private static final double[] DURATION_BOUNDS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  /** Why a request got no AdmissionReview answer; the {@code reason} label. */
  enum Rejection {
    BAD_REQUEST,
    BODY_TOO_LARGE,
    UNSUPPORTED_MEDIA_TYPE,
    NOT_FOUND,
    METHOD_NOT_ALLOWED,
    INTERNAL_ERROR;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final PrometheusRegistry registry;
  private final Counter admissions;
  private final Histogram duration;
  private final Counter rejected;

  public WebhookMetrics(PrometheusRegistry registry) {
    this.registry = registry;
    admissions =
        Counter.builder()
            .name("podium_webhook_admissions_total")
            .help(
                "Pod admissions answered, by outcome: mutated, unchanged, no_role, skipped,"
                    + " role_denied, role_invalid, no_service_account,"
                    + " service_account_unavailable, ignored")
            .labelNames("outcome")
            .register(registry);
    for (Outcome outcome : Outcome.values()) {
      admissions.initLabelValues(outcome.label());
    }
    duration =
        Histogram.builder()
            .name("podium_webhook_admission_duration_seconds")
            .help(
                "Time from an AdmissionReview's arrival to its answer, service-account lookup"
                    + " included")
            .classicOnly()
            .classicUpperBounds(DURATION_BOUNDS)
            .register(registry);
    rejected =
        Counter.builder()
            .name("podium_webhook_rejected_requests_total")
            .help("Requests answered with an HTTP error instead of an AdmissionReview, by reason")
            .labelNames("reason")
            .register(registry);
    for (Rejection rejection : Rejection.values()) {
      rejected.initLabelValues(rejection.label());
    }
  }

  void admitted(Outcome outcome, long nanos) {
    admissions.labelValues(outcome.label()).inc();
    duration.observe(nanos / 1e9);
  }

  void rejected(Rejection rejection) {
    rejected.labelValues(rejection.label()).inc();
  }

  @Override
  public void close() {
    for (Collector collector : List.<Collector>of(admissions, duration, rejected)) {
      registry.unregister(collector);
    }
  }
}
