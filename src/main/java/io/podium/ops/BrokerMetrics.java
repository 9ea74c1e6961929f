package io.podium.ops;

import io.podium.core.broker.BrokerObserver;
import io.podium.core.broker.StsCallException;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The credential broker's metrics: cache hits and misses, negative-cache answers, credentials
 * served during an STS outage, evictions, tracked sessions and queued STS calls.
 */
public final class BrokerMetrics implements BrokerObserver {

  private final Counter lookups;
  private final Counter servedDuringOutage;
  private final Counter evicted;
  private final Counter refreshFailures;
  private final PrometheusRegistry registry;

  public BrokerMetrics(PrometheusRegistry registry) {
    this.registry = registry;
    lookups =
        Counter.builder()
            .name("podium_credentials_cache_lookups_total")
            .help("Credential requests by how the cache answered: hit, miss, or negative (refused)")
            .labelNames("result")
            .register(registry);
    for (String result : new String[] {"hit", "miss", "negative"}) {
      lookups.initLabelValues(result);
    }
    servedDuringOutage =
        Counter.builder()
            .name("podium_credentials_served_during_outage_total")
            .help(
                "Credentials served with less than --min-remaining left because refreshing failed")
            .register(registry);
    evicted =
        Counter.builder()
            .name("podium_credentials_sessions_evicted_total")
            .help("Sessions dropped because no pod needed them any more")
            .register(registry);
    refreshFailures =
        Counter.builder()
            .name("podium_credentials_fetch_failures_total")
            .help("Failed STS fetches by the broker, by kind: retryable or final")
            .labelNames("kind")
            .register(registry);
    refreshFailures.initLabelValues("retryable");
    refreshFailures.initLabelValues("final");
  }

  /** Registers the gauges that read the broker's state; called once the broker exists. */
  public void watch(IntSupplier sessions, IntSupplier queuedCalls) {
    GaugeWithCallback.builder()
        .name("podium_credentials_sessions")
        .help("Sessions the broker holds or caches")
        .callback(callback -> callback.call(sessions.getAsInt()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("podium_sts_queued_calls")
        .help("STS calls waiting for the rate limit or a free slot")
        .callback(callback -> callback.call(queuedCalls.getAsInt()))
        .register(registry);
  }

  /**
   * Registers the gauge of the STS rate limit in force (lower than configured while STS throttles);
   * called once the broker exists.
   */
  public void watchStsRate(DoubleSupplier callsPerSecond) {
    GaugeWithCallback.builder()
        .name("podium_sts_rate_limit_calls_per_second")
        .help(
            "STS calls a second the broker allows now: --sts-rate-limit, less while STS throttles")
        .callback(callback -> callback.call(callsPerSecond.getAsDouble()))
        .register(registry);
  }

  /**
   * Registers the gauge of prefetches asked for and not finished; called once the broker exists.
   */
  public void watchPrefetches(IntSupplier pendingPrefetches) {
    GaugeWithCallback.builder()
        .name("podium_credentials_pending_prefetches")
        .help("Sessions pods hold whose first STS call is queued or in flight")
        .callback(callback -> callback.call(pendingPrefetches.getAsInt()))
        .register(registry);
  }

  @Override
  public void cacheHit() {
    lookups.labelValues("hit").inc();
  }

  @Override
  public void cacheMiss() {
    lookups.labelValues("miss").inc();
  }

  @Override
  public void negativeCacheHit() {
    lookups.labelValues("negative").inc();
  }

  @Override
  public void servedDuringOutage() {
    servedDuringOutage.inc();
  }

  @Override
  public void stsCall(Duration duration, @Nullable StsCallException failure) {
    if (failure != null) {
      refreshFailures.labelValues(failure.retryable() ? "retryable" : "final").inc();
    }
  }

  @Override
  public void sessionEvicted() {
    evicted.inc();
  }
}
