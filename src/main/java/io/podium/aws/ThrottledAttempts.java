package io.podium.aws;

import java.util.Objects;
import software.amazon.awssdk.core.metrics.CoreMetric;
import software.amazon.awssdk.metrics.MetricCollection;
import software.amazon.awssdk.metrics.MetricPublisher;

/**
 * Counts every throttled attempt, including those the SDK's retry strategy went on to retry
 * successfully, which the outcome of a call alone cannot show. It reads the SDK's own per-attempt
 * classification ({@link CoreMetric#ERROR_TYPE}, documented value {@code Throttling}), so that
 * throttling is recognised exactly as the retry strategy recognises it.
 */
final class ThrottledAttempts implements MetricPublisher {

  private static final String ATTEMPT = "ApiCallAttempt";
  private static final String THROTTLING = "Throttling";

  private final StsMetrics metrics;

  ThrottledAttempts(StsMetrics metrics) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  @Override
  public void publish(MetricCollection call) {
    call.childrenWithName(ATTEMPT)
        .flatMap(attempt -> attempt.metricValues(CoreMetric.ERROR_TYPE).stream())
        .filter(THROTTLING::equals)
        .forEach(throttled -> metrics.throttledAttempt());
  }

  @Override
  public void close() {
    // Nothing to release: the metrics belong to the issuer.
  }
}
