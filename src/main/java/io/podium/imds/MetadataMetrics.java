package io.podium.imds;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * The metadata API's metrics, registered on the registry the process passes in and removed again on
 * {@link #close()} (so that a restarted server can register them anew). Labels are bounded: {@link
 * Route}, the status code, {@link Rejection}.
 */
final class MetadataMetrics implements ConnectionEvents, AutoCloseable {

  private static final double[] DURATION_BOUNDS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5
  };

  // Ages and validity of served credentials: minutes to hours (sessions last 15 min to 12 h).
  private static final double[] CREDENTIAL_SECONDS_BOUNDS = {
    60, 300, 600, 900, 1200, 1500, 1800, 2400, 3000, 3600, 7200, 14400, 43200
  };

  private final PrometheusRegistry registry;
  private final Histogram credentialsAge;
  private final Histogram credentialsRemaining;
  private final Counter requests;
  private final Histogram duration;
  private final Counter rejected;
  private final Counter auditRepeats;
  private final Counter connectionsRefused;
  private final CounterDataPoint refusedAtSourceLimit;
  private final CounterDataPoint refusedAtLimit;
  private final GaugeWithCallback openConnections;
  private volatile IntSupplier open = () -> 0;
  private final Map<Route, DistributionDataPoint> durationByRoute = new EnumMap<>(Route.class);
  private final Map<Rejection, CounterDataPoint> rejectedByReason = new EnumMap<>(Rejection.class);
  private final Map<Route, Map<Integer, CounterDataPoint>> requestsByRouteAndStatus =
      new EnumMap<>(Route.class);

  MetadataMetrics(PrometheusRegistry registry) {
    this.registry = registry;
    requests =
        Counter.builder()
            .name("podium_metadata_requests_total")
            .help("Metadata API requests answered, by route and HTTP status")
            .labelNames("route", "status")
            .register(registry);
    duration =
        Histogram.builder()
            .name("podium_metadata_request_duration_seconds")
            .help("Time from a complete request to its response being written, by route")
            .labelNames("route")
            .classicOnly()
            .classicUpperBounds(DURATION_BOUNDS)
            .register(registry);
    rejected =
        Counter.builder()
            .name("podium_metadata_rejected_total")
            .help("Metadata API requests refused for bad input or limits, by reason")
            .labelNames("reason")
            .register(registry);
    credentialsAge =
        Histogram.builder()
            .name("podium_metadata_credentials_age_seconds")
            .help(
                "Age of the cached credentials handed to pods (time since STS issued them), per"
                    + " credentials document written")
            .classicOnly()
            .classicUpperBounds(CREDENTIAL_SECONDS_BOUNDS)
            .register(registry);
    credentialsRemaining =
        Histogram.builder()
            .name("podium_metadata_credentials_remaining_seconds")
            .help("Validity left on the credentials handed to pods, per credentials document")
            .classicOnly()
            .classicUpperBounds(CREDENTIAL_SECONDS_BOUNDS)
            .register(registry);
    auditRepeats =
        Counter.builder()
            .name("podium_audit_repeated_handouts_total")
            .help(
                "Credentials documents handed again to a pod that already had them (same pod,"
                    + " access key id and route): counted here instead of another audit record")
            .register(registry);
    connectionsRefused =
        Counter.builder()
            .name("podium_metadata_connections_refused_total")
            .help(
                "Connections to the metadata port closed as they opened, by cap: source_limit"
                    + " (one source address held its cap) or limit (all sources held the cap)")
            .labelNames("reason")
            .register(registry);
    refusedAtSourceLimit = connectionsRefused.labelValues("source_limit");
    refusedAtLimit = connectionsRefused.labelValues("limit");
    openConnections =
        GaugeWithCallback.builder()
            .name("podium_metadata_open_connections")
            .help("Connections open on the metadata port now")
            .callback(callback -> callback.call(open.getAsInt()))
            .register(registry);
    for (Route route : Route.values()) {
      durationByRoute.put(route, duration.labelValues(route.label()));
      requestsByRouteAndStatus.put(route, new ConcurrentHashMap<>());
    }
    for (Rejection reason : Rejection.values()) {
      rejectedByReason.put(reason, rejected.labelValues(reason.label()));
    }
  }

  /** One answered request. */
  void answered(Route route, int status, long elapsedNanos) {
    requestsByRouteAndStatus
        .get(route)
        .computeIfAbsent(status, key -> requests.labelValues(route.label(), Integer.toString(key)))
        .inc();
    durationByRoute.get(route).observe(elapsedNanos / 1e9);
  }

  /** One credentials document written to a pod: how old its credentials were and how long left. */
  void credentialsServed(Duration age, Duration remaining) {
    credentialsAge.observe(Math.max(0, age.toMillis()) / 1e3);
    credentialsRemaining.observe(Math.max(0, remaining.toMillis()) / 1e3);
  }

  /** A credentials document handed to a pod that had it already: no new audit record. */
  void auditRepeat() {
    auditRepeats.inc();
  }

  /** Where the open connections are counted. */
  void watchOpenConnections(IntSupplier openNow) {
    this.open = openNow;
  }

  @Override
  public void connectionRefused(String cap) {
    (cap.equals("limit") ? refusedAtLimit : refusedAtSourceLimit).inc();
  }

  @Override
  public void requestTimedOut() {
    rejected(Rejection.REQUEST_TIMEOUT);
  }

  /** One request refused for {@code reason}. */
  void rejected(Rejection reason) {
    rejectedByReason.get(reason).inc();
  }

  @Override
  public void close() {
    registry.unregister(requests);
    registry.unregister(duration);
    registry.unregister(rejected);
    registry.unregister(credentialsAge);
    registry.unregister(credentialsRemaining);
    registry.unregister(auditRepeats);
    registry.unregister(connectionsRefused);
    registry.unregister(openConnections);
  }
}
