package io.podium.containercredentials;

import io.podium.imds.ConnectionEvents;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * The container-credentials endpoint's metrics ({@code podium_container_credentials_*}), registered
 * on the registry the process passes in and removed again on {@link #close()}. Labels are bounded:
 * {@link Outcome} with its status, token verdicts, connection caps.
 */
final class ContainerCredentialsMetrics implements ConnectionEvents, AutoCloseable {

  private static final double[] DURATION_BOUNDS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5
  };

  private final PrometheusRegistry registry;
  private final Counter requests;
  private final Histogram duration;
  private final Counter tokens;
  private final Counter connectionsRefused;
  private final Counter auditRepeats;
  private final Counter timedOut;
  private final GaugeWithCallback openConnections;
  private final GaugeWithCallback keys;
  private volatile IntSupplier open = () -> 0;
  private volatile IntSupplier keyCount = () -> 0;
  private final Map<Outcome, CounterDataPoint> byOutcome = new EnumMap<>(Outcome.class);
  private final Map<String, CounterDataPoint> byVerdict = new ConcurrentHashMap<>();

  ContainerCredentialsMetrics(PrometheusRegistry registry) {
    this.registry = registry;
    requests =
        Counter.builder()
            .name("podium_container_credentials_requests_total")
            .help("Container-credentials requests answered, by outcome and HTTP status")
            .labelNames("outcome", "status")
            .register(registry);
    duration =
        Histogram.builder()
            .name("podium_container_credentials_request_duration_seconds")
            .help(
                "Time from a complete container-credentials request to its response being written")
            .classicOnly()
            .classicUpperBounds(DURATION_BOUNDS)
            .register(registry);
    tokens =
        Counter.builder()
            .name("podium_container_credentials_tokens_total")
            .help(
                "Service-account tokens presented, by verdict: verified, cached (verified before),"
                    + " or why refused")
            .labelNames("verdict")
            .register(registry);
    connectionsRefused =
        Counter.builder()
            .name("podium_container_credentials_connections_refused_total")
            .help(
                "Connections to the container-credentials port closed as they opened, by cap:"
                    + " source_limit or limit")
            .labelNames("reason")
            .register(registry);
    auditRepeats =
        Counter.builder()
            .name("podium_container_credentials_repeated_handouts_total")
            .help(
                "Credentials handed again to a pod that already had them through this endpoint:"
                    + " counted here instead of another audit record")
            .register(registry);
    timedOut =
        Counter.builder()
            .name("podium_container_credentials_request_timeouts_total")
            .help(
                "Connections closed because their request was not complete and answered within"
                    + " the request timeout")
            .register(registry);
    openConnections =
        GaugeWithCallback.builder()
            .name("podium_container_credentials_open_connections")
            .help("Connections open on the container-credentials port now")
            .callback(callback -> callback.call(open.getAsInt()))
            .register(registry);
    keys =
        GaugeWithCallback.builder()
            .name("podium_container_credentials_signing_keys")
            .help("Service-account signing keys tokens are verified with now (0: none known yet)")
            .callback(callback -> callback.call(keyCount.getAsInt()))
            .register(registry);
    for (Outcome outcome : Outcome.values()) {
      byOutcome.put(
          outcome, requests.labelValues(outcome.label(), Integer.toString(outcome.status())));
    }
    connectionsRefused.initLabelValues("source_limit");
    connectionsRefused.initLabelValues("limit");
  }

  void answered(Outcome outcome, long elapsedNanos) {
    byOutcome.get(outcome).inc();
    duration.observe(elapsedNanos / 1e9);
  }

  /** One token verdict; labels are {@link TokenRefusal}'s and a handful of fixed words. */
  void token(String verdict) {
    byVerdict.computeIfAbsent(verdict, tokens::labelValues).inc();
  }

  void auditRepeat() {
    auditRepeats.inc();
  }

  void watchOpenConnections(IntSupplier openNow) {
    this.open = openNow;
  }

  void watchKeys(IntSupplier count) {
    this.keyCount = count;
  }

  @Override
  public void connectionRefused(String cap) {
    connectionsRefused.labelValues(cap).inc();
  }

  @Override
  public void requestTimedOut() {
    timedOut.inc();
  }

  @Override
  public void close() {
    registry.unregister(requests);
    registry.unregister(duration);
    registry.unregister(tokens);
    registry.unregister(connectionsRefused);
    registry.unregister(auditRepeats);
    registry.unregister(timedOut);
    registry.unregister(openConnections);
    registry.unregister(keys);
  }
}
