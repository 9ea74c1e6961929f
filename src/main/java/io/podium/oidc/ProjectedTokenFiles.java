package io.podium.oidc;

import io.podium.core.broker.Scheduler;
import io.podium.core.pod.PodChangeListener;
import io.podium.core.pod.PodIdentity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the kubelet does for projected service-account token volumes, for {@code podium dev}'s pods:
 * a token per pod and audience, signed by the minter, written to {@code
 * DIR/<namespace>/<pod>/<file>} and rewritten before it ages (at 80% of its lifetime, as the
 * kubelet does), the files replaced atomically so that an SDK re-reading one never sees half of it.
 * A pod that goes loses its directory. For development only: the files are readable by their owner
 * alone, and the key signs nothing else.
 */
public final class ProjectedTokenFiles implements PodChangeListener, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ProjectedTokenFiles.class);

  /**
   * One token each pod gets.
   *
   * @param file the file name in the pod's directory
   * @param audience the token's {@code aud}
   */
  public record Projection(String file, String audience) {}

  private final Path directory;
  private final ServiceAccountTokenMinter minter;
  private final List<Projection> projections;
  private final Duration lifetime;
  private final Clock clock;
  private final Scheduler scheduler;
  private final Map<String, PodIdentity> pods = new HashMap<>(); // by uid, guarded by this
  private Scheduler.@Nullable Cancellable refresh; // guarded by this
  private boolean closed; // guarded by this

  /**
   * @param lifetime how long each token is valid; all are rewritten at 80% of it
   */
  public ProjectedTokenFiles(
      Path directory,
      ServiceAccountTokenMinter minter,
      List<Projection> projections,
      Duration lifetime,
      Clock clock,
      Scheduler scheduler) {
    this.directory = directory.toAbsolutePath();
    this.minter = minter;
    this.projections = List.copyOf(projections);
    this.lifetime = lifetime;
    this.clock = clock;
    this.scheduler = scheduler;
    try {
      Files.createDirectories(this.directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the token directory " + this.directory, e);
    }
  }

  /** Where the tokens are written. */
  public Path directory() {
    return directory;
  }

  /** The file of {@code projection} for the pod {@code namespace/name}. */
  public Path file(String namespace, String name, Projection projection) {
    return directory.resolve(namespace).resolve(name).resolve(projection.file());
  }

  @Override
  public synchronized void podUpserted(PodIdentity pod) {
    if (closed) {
      return;
    }
    PodIdentity before = pods.put(pod.uid(), pod);
    if (before == null || !same(before, pod)) {
      write(pod, clock.instant());
    }
    if (refresh == null) {
      refresh = scheduler.schedule(refreshInterval(), this::refreshAll);
    }
  }

  @Override
  public synchronized void podRemoved(PodIdentity pod) {
    pods.remove(pod.uid());
    if (pods.values().stream()
        .noneMatch(
            other ->
                other.namespace().equals(pod.namespace()) && other.name().equals(pod.name()))) {
      delete(directory.resolve(pod.namespace()).resolve(pod.name()));
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (refresh != null) {
      refresh.cancel();
    }
  }

  private synchronized void refreshAll() {
    if (closed) {
      return;
    }
    Instant now = clock.instant();
    for (PodIdentity pod : pods.values()) {
      write(pod, now);
    }
    refresh = scheduler.schedule(refreshInterval(), this::refreshAll);
  }

  private Duration refreshInterval() {
    return lifetime.multipliedBy(4).dividedBy(5);
  }

  /** Whether the token's claims would be the same (a change of IP or phase needs no new token). */
  private static boolean same(PodIdentity a, PodIdentity b) {
    return a.namespace().equals(b.namespace())
        && a.name().equals(b.name())
        && a.serviceAccount().equals(b.serviceAccount())
        && java.util.Objects.equals(a.nodeName(), b.nodeName());
  }

  private void write(PodIdentity pod, Instant now) {
    ServiceAccountTokenMinter.BoundPod bound =
        new ServiceAccountTokenMinter.BoundPod(
            pod.namespace(), pod.name(), pod.uid(), pod.serviceAccount(), pod.nodeName());
    Path podDirectory = directory.resolve(pod.namespace()).resolve(pod.name());
    if (!podDirectory.normalize().startsWith(directory)) {
      log.warn("not writing tokens for pod {}: its name leaves the token directory", pod);
      return;
    }
    try {
      Files.createDirectories(podDirectory);
      for (Projection projection : projections) {
        String token =
            minter.mintForPod(bound, List.of(projection.audience()), now, now.plus(lifetime));
        replace(podDirectory.resolve(projection.file()), token);
      }
    } catch (IOException e) {
      log.warn("cannot write the tokens of pod {} to {}: {}", pod, podDirectory, e.toString());
    }
  }

  private static void replace(Path file, String content) throws IOException {
    Path next = file.resolveSibling("." + file.getFileName() + ".next");
    Files.writeString(next, content, StandardCharsets.US_ASCII);
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(next, PosixFilePermissions.fromString("rw-------"));
    }
    try {
      Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(next, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void delete(Path podDirectory) {
    if (!Files.exists(podDirectory)) {
      return;
    }
    try (Stream<Path> files = Files.walk(podDirectory)) {
      for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      log.debug("could not remove {}: {}", podDirectory, e.toString());
    }
  }
}
