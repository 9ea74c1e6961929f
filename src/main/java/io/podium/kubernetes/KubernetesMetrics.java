package io.podium.kubernetes;

import io.podium.core.WaitingPodLookup;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The Kubernetes pod source's metrics, registered on the registry the process passes in and removed
 * on {@link #close()}: pods tracked, IP conflicts, informer state and re-lists, and how lookups
 * that had to wait for their pod ended. Labels are bounded: the resource watched, the outcome.
 */
final class KubernetesMetrics implements WaitingPodLookup.Observer, AutoCloseable {

  private static final double[] WAIT_BOUNDS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1
  };

  /** The resources Podium watches; the {@code resource} label's values. */
  enum Resource {
    PODS,
    NAMESPACES,
    SERVICEACCOUNTS;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final PrometheusRegistry registry;
  private final List<Collector> registered = new ArrayList<>();
  private final Counter relists;
  private final Counter waits;
  private final Histogram waitSeconds;

  KubernetesMetrics(PrometheusRegistry registry) {
    this.registry = registry;
    relists =
        register(
            Counter.builder()
                .name("podium_kubernetes_relists_total")
                .help(
                    "Times an informer listed its resource again after the first list (a dropped"
                        + " watch, 410 Gone)")
                .labelNames("resource")
                .build());
    for (Resource resource : Resource.values()) {
      relists.initLabelValues(resource.label());
    }
    waits =
        register(
            Counter.builder()
                .name("podium_kubernetes_lookup_waits_total")
                .help(
                    "Lookups of an IP no pod held yet that waited for the pod's event, by how they"
                        + " ended")
                .labelNames("outcome")
                .build());
    for (WaitingPodLookup.WaitOutcome outcome : WaitingPodLookup.WaitOutcome.values()) {
      waits.initLabelValues(label(outcome));
    }
    waitSeconds =
        register(
            Histogram.builder()
                .name("podium_kubernetes_lookup_wait_seconds")
                .help("How long lookups waited for their pod's event")
                .classicOnly()
                .classicUpperBounds(WAIT_BOUNDS)
                .build());
  }

  /** Registers the gauges that read the pod source's state; called once it exists. */
  void watch(
      IntSupplier podsTracked,
      LongSupplier ambiguousLookups,
      IntSupplier waiting,
      InformerState pods,
      InformerState namespaces,
      InformerState serviceAccounts) {
    register(
        GaugeWithCallback.builder()
            .name("podium_kubernetes_pods")
            .help("Pods the informer tracks (this node's in standalone mode)")
            .callback(callback -> callback.call(podsTracked.getAsInt()))
            .build());
    register(
        CounterWithCallback.builder()
            .name("podium_kubernetes_ip_conflicts_total")
            .help(
                "Lookups that found several pods that may hold credentials on one IP (answered"
                    + " 503, never a guess)")
            .callback(callback -> callback.call(ambiguousLookups.getAsLong()))
            .build());
    register(
        GaugeWithCallback.builder()
            .name("podium_kubernetes_lookups_waiting")
            .help("Lookups waiting right now for their pod's event")
            .callback(callback -> callback.call(waiting.getAsInt()))
            .build());
    InformerState[] states = {pods, namespaces, serviceAccounts};
    register(
        GaugeWithCallback.builder()
            .name("podium_kubernetes_informer_synced")
            .help("1 once an informer has listed its resource, else 0")
            .labelNames("resource")
            .callback(
                callback -> {
                  for (int i = 0; i < states.length; i++) {
                    callback.call(
                        states[i].synced().getAsBoolean() ? 1 : 0, Resource.values()[i].label());
                  }
                })
            .build());
    register(
        GaugeWithCallback.builder()
            .name("podium_kubernetes_informer_watching")
            .help("1 while an informer's watch is open, else 0 (reconnecting or re-listing)")
            .labelNames("resource")
            .callback(
                callback -> {
                  for (int i = 0; i < states.length; i++) {
                    callback.call(
                        states[i].watching().getAsBoolean() ? 1 : 0, Resource.values()[i].label());
                  }
                })
            .build());
  }

  /** What the gauges read of one informer. */
  record InformerState(BooleanSupplier synced, BooleanSupplier watching) {}

  void relisted(Resource resource) {
    relists.labelValues(resource.label()).inc();
  }

  @Override
  public void waited(WaitingPodLookup.WaitOutcome outcome, Duration waited) {
    waits.labelValues(label(outcome)).inc();
    waitSeconds.observe(waited.toNanos() / 1e9);
  }

  @Override
  public void close() {
    for (Collector collector : registered) {
      registry.unregister(collector);
    }
  }

  private <C extends Collector> C register(C collector) {
    registry.register(collector);
    registered.add(collector);
    return collector;
  }

  private static String label(WaitingPodLookup.WaitOutcome outcome) {
    return outcome.name().toLowerCase(Locale.ROOT);
  }
}
