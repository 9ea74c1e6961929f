package io.podium.interception;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The interception's metrics, per address family (the only label): whether the rule is in place and
 * how many connections it has matched, from the last check, and what the checks had to do.
 * Registered on the registry the process passes in and removed on {@link #close()}.
 */
final class InterceptionMetrics implements AutoCloseable {

  /** What the last check saw of one family. */
  private static final class Seen {
    volatile boolean present;
    volatile long matchedPackets;
  }

  /** Why pods' traffic may pass the rule by: the {@code reason} label. */
  enum Bypass {
    /** A {@code --host-interface} selects only bridge ports, where pods' packets never arrive. */
    BRIDGE_PORTS_ONLY("bridge_ports_only"),
    /** Pods asked the metadata API while the rule's counters stayed at 0. */
    UNMATCHED_POD_REQUESTS("unmatched_pod_requests");

    private final String label;

    Bypass(String label) {
      this.label = label;
    }
  }

  private final PrometheusRegistry registry;
  private final Map<IpFamily, Seen> seen = new EnumMap<>(IpFamily.class);
  private final Map<Bypass, Boolean> bypassed = new ConcurrentHashMap<>();
  private final GaugeWithCallback bypassSuspected;
  private final GaugeWithCallback present;
  private final CounterWithCallback matched;
  private final Counter repairs;
  private final Counter failures;
  private final Counter flushed;

  InterceptionMetrics(PrometheusRegistry registry, List<IpFamily> families) {
    this.registry = registry;
    for (IpFamily family : families) {
      seen.put(family, new Seen());
    }
    present =
        GaugeWithCallback.builder()
            .name("podium_interception_rule_present")
            .help("1 when the last check found the interception rule in place, else 0")
            .labelNames("family")
            .callback(
                callback ->
                    seen.forEach((family, s) -> callback.call(s.present ? 1 : 0, family.label())))
            .register(registry);
    matched =
        CounterWithCallback.builder()
            .name("podium_interception_matched_packets_total")
            .help(
                "Packets the interception rule matched, as its kernel counters say at the last"
                    + " check: the first packet of each pod connection sent to the agent")
            .labelNames("family")
            .callback(
                callback ->
                    seen.forEach((family, s) -> callback.call(s.matchedPackets, family.label())))
            .register(registry);
    repairs =
        Counter.builder()
            .name("podium_interception_repairs_total")
            .help("Times a check found the interception rule missing or changed and rewrote it")
            .labelNames("family")
            .register(registry);
    failures =
        Counter.builder()
            .name("podium_interception_check_failures_total")
            .help("Checks that could not read or write the interception rule")
            .labelNames("family")
            .register(registry);
    flushed =
        Counter.builder()
            .name("podium_interception_conntrack_flushed_total")
            .help(
                "Pod connections to the real metadata service cut when the rule was (re)installed")
            .labelNames("family")
            .register(registry);
    for (Bypass reason : Bypass.values()) {
      bypassed.put(reason, false);
    }
    bypassSuspected =
        GaugeWithCallback.builder()
            .name("podium_interception_rule_bypassed")
            .help(
                "1 while pods' metadata traffic seems to pass the interception rule by, by reason:"
                    + " a --host-interface that selects only bridge ports, or pods asking while"
                    + " the rule's counters stay at 0")
            .labelNames("reason")
            .callback(
                callback ->
                    bypassed.forEach((reason, on) -> callback.call(on ? 1 : 0, reason.label)))
            .register(registry);
    for (IpFamily family : families) {
      repairs.labelValues(family.label());
      failures.labelValues(family.label());
      flushed.labelValues(family.label());
    }
  }

  void inPlace(IpFamily family, long matchedPackets) {
    Seen s = seen(family);
    s.present = true;
    s.matchedPackets = matchedPackets;
  }

  void missing(IpFamily family) {
    seen(family).present = false;
  }

  private Seen seen(IpFamily family) {
    // Every family is in the map from the start.
    return Objects.requireNonNull(seen.get(family));
  }

  void repaired(IpFamily family) {
    repairs.labelValues(family.label()).inc();
  }

  void failed(IpFamily family) {
    failures.labelValues(family.label()).inc();
  }

  void bypassed(Bypass reason, boolean suspected) {
    bypassed.put(reason, suspected);
  }

  void flushed(IpFamily family, long connections) {
    flushed.labelValues(family.label()).inc(connections);
  }

  @Override
  public void close() {
    registry.unregister(present);
    registry.unregister(matched);
    registry.unregister(repairs);
    registry.unregister(failures);
    registry.unregister(flushed);
    registry.unregister(bypassSuspected);
  }
}
