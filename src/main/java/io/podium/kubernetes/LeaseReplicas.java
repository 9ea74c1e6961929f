package io.podium.kubernetes;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.podium.core.Replicas;
import io.podium.core.broker.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server replicas' liveness from {@code coordination.k8s.io/v1} Leases: each replica keeps one
 * Lease ({@code podium-server-<id>}) renewed every {@code renewEvery}, and reads the others'; a
 * replica whose Lease has not been renewed for {@code leaseDuration} is dead. A replica that stops
 * cleanly deletes its Lease, so the others take over at once; one that dies is noticed within
 * {@code leaseDuration + renewEvery}.
 */
public final class LeaseReplicas implements Replicas, AutoCloseable {

  static final String LABEL = "podium.io/server-replica";
  private static final Logger log = LoggerFactory.getLogger(LeaseReplicas.class);

  private final KubernetesClient client;
  private final String namespace;
  private final String self;
  private final Duration leaseDuration;
  private final Duration renewEvery;
  private final Clock clock;
  private final Scheduler scheduler;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  // Guarded by this.
  private Set<String> live;
  private Instant listedAt = Instant.MIN;
  private Scheduler.Cancellable next;
  private boolean closed;

  public LeaseReplicas(
      KubernetesClient client,
      String namespace,
      String self,
      Duration leaseDuration,
      Duration renewEvery,
      Clock clock,
      Scheduler scheduler) {
    if (renewEvery.compareTo(leaseDuration) >= 0) {
      throw new IllegalArgumentException("a lease must last longer than its renewal interval");
    }
    this.client = client;
    this.namespace = namespace;
    this.self = self;
    this.leaseDuration = leaseDuration;
    this.renewEvery = renewEvery;
    this.clock = clock;
    this.scheduler = scheduler;
  }

  /** Takes this replica's Lease and reads the others' now, then every {@code renewEvery}. */
  public LeaseReplicas start() {
    tick();
    return this;
  }

  @Override
  public String self() {
    return self;
  }

  @Override
  public synchronized Optional<Set<String>> live() {
    if (live == null || clock.instant().isAfter(listedAt.plus(leaseDuration))) {
      return Optional.empty();
    }
    return Optional.of(live);
  }

  @Override
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  /** Stops renewing and deletes this replica's Lease, so that the others take over at once. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      if (next != null) {
        next.cancel();
      }
    }
    try {
      client.leases().inNamespace(namespace).withName(leaseName(self)).delete();
    } catch (KubernetesClientException e) {
      log.warn("cannot delete lease {}: HTTP {}", leaseName(self), e.getCode());
    }
  }

  /** Stops renewing without a word, as a crash would: for tests of takeover. */
  public synchronized void abandon() {
    closed = true;
    if (next != null) {
      next.cancel();
    }
  }

  private void tick() {
    Optional<Set<String>> before = live();
    try {
      renew();
      Set<String> found = list();
      synchronized (this) {
        live = found;
        listedAt = clock.instant();
      }
    } catch (KubernetesClientException e) {
      log.warn(
          "cannot renew or read server leases in {}: HTTP {} {}",
          namespace,
          e.getCode(),
          e.getMessage());
    } catch (RuntimeException e) {
      log.warn("cannot renew or read server leases in {}: {}", namespace, e.toString());
    } finally {
      synchronized (this) {
        if (!closed) {
          next = scheduler.schedule(renewEvery, this::tick);
        }
      }
    }
    Optional<Set<String>> after = live();
    if (!after.equals(before)) {
      log.info(
          "Server replicas now {}",
          after.map(Set::toString).orElse("unknown: this replica serves every session"));
      for (Runnable listener : listeners) {
        try {
          listener.run();
        } catch (RuntimeException e) {
          log.error("replica change listener failed", e);
        }
      }
    }
  }

  private void renew() {
    Instant now = clock.instant();
    Lease lease =
        new LeaseBuilder()
            .withNewMetadata()
            .withName(leaseName(self))
            .withNamespace(namespace)
            .addToLabels(LABEL, "true")
            .endMetadata()
            .withNewSpec()
            .withHolderIdentity(self)
            .withLeaseDurationSeconds((int) Math.max(1, leaseDuration.toSeconds()))
            .withRenewTime(ZonedDateTime.ofInstant(now, ZoneOffset.UTC))
            .endSpec()
            .build();
    client.leases().inNamespace(namespace).resource(lease).createOr(NonDeletingOperation::update);
  }

  private Set<String> list() {
    Instant now = clock.instant();
    TreeSet<String> alive = new TreeSet<>();
    alive.add(self);
    for (Lease lease : client.leases().inNamespace(namespace).withLabel(LABEL).list().getItems()) {
      if (lease.getSpec() == null || lease.getSpec().getHolderIdentity() == null) {
        continue;
      }
      Instant renewed = renewTime(lease);
      Integer seconds = lease.getSpec().getLeaseDurationSeconds();
      if (renewed != null && seconds != null && now.isBefore(renewed.plusSeconds(seconds))) {
        alive.add(lease.getSpec().getHolderIdentity());
      }
    }
    // Sorted, so that logs and comparisons read the same on every replica.
    return Collections.unmodifiableSortedSet(alive);
  }

  private static Instant renewTime(Lease lease) {
    ZonedDateTime time = lease.getSpec().getRenewTime();
    return time == null ? null : time.toInstant();
  }

  static String leaseName(String replica) {
    return "podium-server-" + replica;
  }
}
