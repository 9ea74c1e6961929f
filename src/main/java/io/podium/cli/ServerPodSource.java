package io.podium.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.podium.core.PodDirectory;
import io.podium.core.PodProblems;
import io.podium.core.broker.Scheduler;
import io.podium.core.pod.PodChangeListener;
import io.podium.core.role.RoleBaseArn;
import io.podium.kubernetes.FilePodDirectory;
import io.podium.kubernetes.InformerPodDirectory;
import io.podium.kubernetes.KubernetesPodEvents;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Where {@code podium server} learns of pods: a {@link PodDirectory} for lookups, {@link
 * PodChangeListener}s for the streams and prefetching, every pod told again to a listener (when
 * session ownership moves), whether it has synced, how it starts and stops, and where problems with
 * a pod are reported. The cluster (informers over every pod, namespace and service account; Events
 * on pods) or the pods file (problems only logged).
 */
record ServerPodSource(
    PodDirectory directory,
    Consumer<PodChangeListener> listeners,
    Consumer<PodChangeListener> retell,
    BooleanSupplier synced,
    Runnable start,
    PodProblems problems,
    AutoCloseable closer) {

  /** Builds the source once the process has its clock, timers and registry. */
  @FunctionalInterface
  interface Factory {
    ServerPodSource create(Clock clock, Scheduler scheduler, PrometheusRegistry registry);
  }

  /** The pods file (dev, tests, clusters without API access): synced once it has been read. */
  static Factory file(Path file, Optional<RoleBaseArn> base) {
    return (clock, scheduler, registry) -> {
      FilePodDirectory directory =
          new FilePodDirectory(
              file, base, List.of(), FilePodDirectory.DEFAULT_POLL_INTERVAL, clock, scheduler);
      return new ServerPodSource(
          directory,
          directory::addListener,
          directory::retell,
          () -> true,
          directory::start,
          PodProblems.NONE,
          directory);
    };
  }

  /**
   * The cluster: informers over every pod (no node filter: the server serves every node), namespace
   * and service account; {@code start} blocks until they have synced. Problems become Events on the
   * pod, reported by {@code replica}.
   */
  static Factory cluster(
      KubernetesClient client,
      Optional<RoleBaseArn> base,
      Duration podWait,
      Duration syncTimeout,
      String replica) {
    return (clock, scheduler, registry) -> {
      InformerPodDirectory directory =
          new InformerPodDirectory(
              client,
              new InformerPodDirectory.Settings(null, base, podWait, syncTimeout),
              clock,
              scheduler,
              registry);
      KubernetesPodEvents events =
          new KubernetesPodEvents(
              client, replica, clock, KubernetesPodEvents.DEFAULT_INTERVAL, registry);
      AutoCloseable closeBoth =
          () -> {
            try (events) {
              directory.close();
            }
          };
      return new ServerPodSource(
          directory,
          directory::addListener,
          directory::retell,
          directory::synced,
          directory::start,
          events,
          closeBoth);
    };
  }
}
