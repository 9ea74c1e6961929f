package io.podium.core;

import io.podium.core.broker.Scheduler;
import io.podium.core.pod.PodIdentity;
import io.podium.core.pod.PodIpIndex;
import io.podium.core.pod.PodLookup;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Looks up the pod that holds an IP in a {@link PodIpIndex} that a watch keeps up to date, and lets
 * a caller whose IP is not known yet wait, bounded, for the event that brings its pod: the pod
 * source calls {@link #ipsChanged} after each change to the index, which answers the callers
 * waiting on those IPs at once. Nobody polls and nobody sleeps; a caller that hears nothing within
 * the wait is answered with what the index says then ({@link PodLookup.NotFound}, a 503).
 *
 * <p>Only {@link PodLookup.NotFound} waits. A found pod, an ambiguous IP and a host address are
 * answered at once: waiting could not make them more right. An event that leaves the IP not found
 * (say, a completed pod on it changed) keeps its callers waiting for the rest of their time.
 *
 * <p>A caller may also wait for a pod by uid ({@link #findByUid}, for a service-account token that
 * names its pod): the source calls {@link #podChanged} after each change, and a pod that appears
 * answers its waiters at once.
 *
 * <p>Thread-safe. Futures are completed outside any lock, on the thread of the event or the timer.
 */
public final class WaitingPodLookup {

  /** How a lookup that had to wait ended; bounded, fit for a metric label. */
  public enum WaitOutcome {
    /** The event brought exactly one pod that may hold credentials. */
    FOUND,
    /** The event brought a second pod that may hold credentials on the IP: 503. */
    AMBIGUOUS,
    /** The event showed the IP to be the node's or a host-network pod's: 403. */
    HOST_ADDRESS,
    /** No event brought a pod within the wait: 503. */
    TIMED_OUT,
    /** Too many callers were waiting already; answered at once as not found. */
    REFUSED
  }

  /** Hears how waits end, for metrics. */
  public interface Observer {
    Observer NONE = (outcome, waited) -> {};

    void waited(WaitOutcome outcome, Duration waited);
  }

  /** The default cap on callers waiting at once across every IP. */
  public static final int DEFAULT_MAX_WAITERS = 10_000;

  private final PodIpIndex index;
  private final Clock clock;
  private final Scheduler scheduler;
  private final Duration maxWait;
  private final int maxWaiters;
  private final Observer observer;
  private final ConcurrentHashMap<InetAddress, List<Waiter>> waiters = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, List<CompletableFuture<Optional<PodIdentity>>>>
      uidWaiters = new ConcurrentHashMap<>();
  private final AtomicInteger waiting = new AtomicInteger();

  /**
   * @param maxWait how long an unknown IP waits for its pod; keep it well under the SDKs' 1 s
   * @param maxWaiters callers that may wait at once; more are answered at once
   */
  public WaitingPodLookup(
      PodIpIndex index,
      Clock clock,
      Scheduler scheduler,
      Duration maxWait,
      int maxWaiters,
      Observer observer) {
    if (maxWait.isNegative()) {
      throw new IllegalArgumentException("the pod wait cannot be negative, got " + maxWait);
    }
    this.index = index;
    this.clock = clock;
    this.scheduler = scheduler;
    this.maxWait = maxWait;
    this.maxWaiters = maxWaiters;
    this.observer = observer;
  }

  /** Who holds {@code ip}: at once when known, else when its pod's event arrives or time is up. */
  public CompletionStage<PodLookup> find(InetAddress ip) {
    PodLookup now = index.lookup(ip, clock.instant());
    if (!(now instanceof PodLookup.NotFound) || maxWait.isZero()) {
      return CompletableFuture.completedFuture(now);
    }
    if (waiting.incrementAndGet() > maxWaiters) {
      waiting.decrementAndGet();
      observer.waited(WaitOutcome.REFUSED, Duration.ZERO);
      return CompletableFuture.completedFuture(now);
    }
    Waiter waiter = new Waiter(ip, System.nanoTime());
    waiters.compute(ip, (key, list) -> with(list, waiter));
    // An event may have changed the index between the first look and the registration above; it
    // would have found no waiter to answer. Looking again after registering closes that gap.
    PodLookup again = index.lookup(ip, clock.instant());
    if (!(again instanceof PodLookup.NotFound)) {
      if (unregister(waiter)) {
        finish(waiter, again);
      }
      return waiter.future;
    }
    waiter.timeout = scheduler.schedule(maxWait, () -> timedOut(waiter));
    if (waiter.future.isDone()) {
      // Answered by an event while the timer was being set.
      waiter.timeout.cancel();
    }
    return waiter.future;
  }

  /**
   * The index changed for {@code ips} (a pod was added, changed or removed): answers every caller
   * waiting on them whose answer is now more than "not found".
   */
  public void ipsChanged(Collection<InetAddress> ips) {
    if (waiting.get() == 0) {
      return;
    }
    for (InetAddress ip : ips) {
      List<Waiter> candidates = waiters.get(ip);
      if (candidates == null) {
        continue;
      }
      PodLookup lookup = index.lookup(ip, clock.instant());
      if (lookup instanceof PodLookup.NotFound) {
        continue;
      }
      for (Waiter waiter : candidates) {
        if (unregister(waiter)) {
          finish(waiter, lookup);
        }
      }
    }
  }

  /**
   * The pod with {@code uid}: at once when indexed, else when its event arrives or time is up
   * (empty then). Waits count against the same cap as address waits.
   */
  public CompletionStage<Optional<PodIdentity>> findByUid(String uid) {
    Optional<PodIdentity> now = index.pod(uid);
    if (now.isPresent() || maxWait.isZero()) {
      return CompletableFuture.completedFuture(now);
    }
    if (waiting.incrementAndGet() > maxWaiters) {
      waiting.decrementAndGet();
      observer.waited(WaitOutcome.REFUSED, Duration.ZERO);
      return CompletableFuture.completedFuture(now);
    }
    long started = System.nanoTime();
    CompletableFuture<Optional<PodIdentity>> future = new CompletableFuture<>();
    uidWaiters.compute(uid, (key, list) -> withFuture(list, future));
    // As for addresses: an event between the first look and the registration found no waiter.
    Optional<PodIdentity> again = index.pod(uid);
    if (again.isPresent()) {
      if (unregister(uid, future)) {
        finishUid(future, again, started);
      }
      return future;
    }
    Scheduler.Cancellable timeout =
        scheduler.schedule(
            maxWait,
            () -> {
              if (unregister(uid, future)) {
                finishUid(future, index.pod(uid), started);
              }
            });
    var _ = future.whenComplete((pod, failure) -> timeout.cancel());
    return future;
  }

  /** The pod with {@code uid} was added or changed: answers the callers waiting for it. */
  public void podChanged(String uid) {
    if (waiting.get() == 0) {
      return;
    }
    List<CompletableFuture<Optional<PodIdentity>>> candidates = uidWaiters.get(uid);
    if (candidates == null) {
      return;
    }
    Optional<PodIdentity> pod = index.pod(uid);
    if (pod.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    for (CompletableFuture<Optional<PodIdentity>> future : candidates) {
      if (unregister(uid, future)) {
        // The wait's own length is not kept per uid waiter: reported as found, not timed.
        finishUid(future, pod, now);
      }
    }
  }

  /** Callers waiting right now. */
  public int waiting() {
    return waiting.get();
  }

  private void finishUid(
      CompletableFuture<Optional<PodIdentity>> future,
      Optional<PodIdentity> pod,
      long startedNanos) {
    observer.waited(
        pod.isPresent() ? WaitOutcome.FOUND : WaitOutcome.TIMED_OUT,
        Duration.ofNanos(System.nanoTime() - startedNanos));
    future.complete(pod);
  }

  /** Removes {@code future} from {@code uid}'s waiters; true for exactly one caller. */
  @SuppressWarnings(
      "ReferenceEquality") // each caller's own future: identity is what tells them apart
  private boolean unregister(String uid, CompletableFuture<Optional<PodIdentity>> future) {
    boolean[] removed = {false};
    uidWaiters.computeIfPresent(
        uid,
        (key, list) -> {
          List<CompletableFuture<Optional<PodIdentity>>> rest = new ArrayList<>(list.size());
          for (CompletableFuture<Optional<PodIdentity>> other : list) {
            if (other == future) {
              removed[0] = true;
            } else {
              rest.add(other);
            }
          }
          return rest.isEmpty() ? null : List.copyOf(rest);
        });
    if (removed[0]) {
      waiting.decrementAndGet();
    }
    return removed[0];
  }

  private static <T> List<T> withFuture(List<T> list, T future) {
    if (list == null) {
      return List.of(future);
    }
    List<T> more = new ArrayList<>(list.size() + 1);
    more.addAll(list);
    more.add(future);
    return List.copyOf(more);
  }

  private void timedOut(Waiter waiter) {
    if (unregister(waiter)) {
      finish(waiter, index.lookup(waiter.ip, clock.instant()));
    }
  }

  /** Removes {@code waiter}; true for exactly one caller, the one that must complete it. */
  private boolean unregister(Waiter waiter) {
    boolean[] removed = {false};
    waiters.computeIfPresent(
        waiter.ip,
        (key, list) -> {
          List<Waiter> rest = new ArrayList<>(list.size());
          for (Waiter other : list) {
            if (other == waiter) {
              removed[0] = true;
            } else {
              rest.add(other);
            }
          }
          return rest.isEmpty() ? null : List.copyOf(rest);
        });
    if (removed[0]) {
      waiting.decrementAndGet();
    }
    return removed[0];
  }

  private void finish(Waiter waiter, PodLookup lookup) {
    Scheduler.Cancellable timeout = waiter.timeout;
    if (timeout != null) {
      timeout.cancel();
    }
    WaitOutcome outcome =
        switch (lookup) {
          case PodLookup.Found found -> WaitOutcome.FOUND;
          case PodLookup.Ambiguous ambiguous -> WaitOutcome.AMBIGUOUS;
          case PodLookup.HostAddress host -> WaitOutcome.HOST_ADDRESS;
          case PodLookup.NotFound notFound -> WaitOutcome.TIMED_OUT;
        };
    PodLookup answer =
        lookup instanceof PodLookup.NotFound(String reason)
            ? new PodLookup.NotFound(
                reason + " (waited " + maxWait.toMillis() + " ms for its pod to appear)")
            : lookup;
    observer.waited(outcome, Duration.ofNanos(System.nanoTime() - waiter.startedNanos));
    waiter.future.complete(answer);
  }

  private static List<Waiter> with(List<Waiter> list, Waiter waiter) {
    if (list == null) {
      return List.of(waiter);
    }
    List<Waiter> more = new ArrayList<>(list.size() + 1);
    more.addAll(list);
    more.add(waiter);
    return List.copyOf(more);
  }

  private static final class Waiter {
    final InetAddress ip;
    final long startedNanos;
    final CompletableFuture<PodLookup> future = new CompletableFuture<>();
    volatile Scheduler.@Nullable Cancellable timeout;

    Waiter(InetAddress ip, long startedNanos) {
      this.ip = ip;
      this.startedNanos = startedNanos;
    }
  }
}
