package io.podium.aws;

import io.podium.core.broker.StsCallException;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Objects;

/**
 * The issuer's Prometheus metrics, registered on the registry passed in and removed from it again
 * on {@link #close()}. Labels are bounded: {@code result} is success or error, {@code code} one of
 * the codes {@link StsErrorMapping} produces.
 */
final class StsMetrics implements AutoCloseable {

  static final String CALLS = "podium_sts_calls_total";
  static final String ERRORS = "podium_sts_errors_total";
  static final String THROTTLES = "podium_sts_throttles_total";
  static final String DURATION = "podium_sts_call_duration_seconds";

  // STS usually answers within tens of milliseconds; the tail covers retries with backoff up to
  // the call timeout.
  private static final double[] DURATION_BUCKETS = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30
  };

  private final PrometheusRegistry registry;
  private final Counter calls;
  private final Counter errors;
  private final Counter throttles;
  private final Histogram duration;

  StsMetrics(PrometheusRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    calls =
        Counter.builder()
            .name(CALLS)
            .help("AssumeRole calls for pod sessions, by result, however many attempts each took")
            .labelNames("result")
            .register(registry);
    calls.initLabelValues("success");
    calls.initLabelValues("error");
    errors =
        Counter.builder()
            .name(ERRORS)
            .help("Failed AssumeRole calls for pod sessions, by STS error code or local code")
            .labelNames("code")
            .register(registry);
    throttles =
        Counter.builder()
            .name(THROTTLES)
            .help("STS answers classified as throttling, counted per attempt, retried ones too")
            .register(registry);
    duration =
        Histogram.builder()
            .name(DURATION)
            .help("Time of one AssumeRole call for a pod session, retries and backoff included")
            .classicOnly()
            .classicUpperBounds(DURATION_BUCKETS)
            .register(registry);
  }

  void succeeded(Duration elapsed) {
    calls.labelValues("success").inc();
    duration.observe(seconds(elapsed));
  }

  void failed(StsCallException failure, Duration elapsed) {
    calls.labelValues("error").inc();
    errors.labelValues(failure.errorCode()).inc();
    duration.observe(seconds(elapsed));
  }

  void throttledAttempt() {
    throttles.inc();
  }

  @Override
  public void close() {
    registry.unregister(calls);
    registry.unregister(errors);
    registry.unregister(throttles);
    registry.unregister(duration);
  }

  private static double seconds(Duration elapsed) {
    return Math.max(0, elapsed.toNanos()) / 1e9;
  }
}
