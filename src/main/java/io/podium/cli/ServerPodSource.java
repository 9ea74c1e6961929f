package io.podium.cli;

import io.podium.core.PodChangeListener;
import io.podium.core.PodDirectory;
import io.podium.core.RoleBaseArn;
import io.podium.core.Scheduler;
import io.podium.kubernetes.FilePodDirectory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Where {@code podium server} learns of pods: a {@link PodDirectory} for lookups, {@link
 * PodChangeListener}s for the stream and prefetching, and whether it has synced. The pods file is
 * the source today; the Kubernetes informers plug in here as a second factory ({@code
 * fromCluster}), and nothing else in the server changes.
 */
record ServerPodSource(
    PodDirectory directory,
    Consumer<PodChangeListener> listeners,
    BooleanSupplier synced,
    Runnable start,
    AutoCloseable closer) {

  /** The pods file (dev, tests, clusters without API access): synced once it has been read. */
  static ServerPodSource fromFile(
      Path file, Optional<RoleBaseArn> base, Clock clock, Scheduler scheduler) {
    FilePodDirectory directory =
        new FilePodDirectory(
            file, base, List.of(), FilePodDirectory.DEFAULT_POLL_INTERVAL, clock, scheduler);
    return new ServerPodSource(
        directory, directory::addListener, () -> true, directory::start, directory);
  }
}
