package io.podium.core.broker;

import io.podium.core.session.SessionRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Holds credentials for every session a pod needs, fetched before pods ask and refreshed before
 * they age, so that a request is answered from memory.
 *
 * <ul>
 *   <li>One STS call per session however many callers wait (single flight); the call runs on the
 *       broker's executor and callers only ever see a copy of its future, so a caller that gives up
 *       cancels nothing.
 *   <li>Refreshes are scheduled at a random point between 70% and 85% of the time a credential may
 *       be served ({@code expiration - minRemaining}), spreading sessions that were issued
 *       together, and go through one global rate limit behind callers who are waiting.
 *   <li>Failures back off exponentially with jitter; a final refusal (AccessDenied) is answered
 *       from memory for a short while; while refreshing fails, cached credentials keep being served
 *       down to the outage floor.
 * </ul>
 *
 * @param <R> the serving adapter's rendered form, made once per refresh
 */
public final class CredentialBroker<R> {

  private static final Logger log = LoggerFactory.getLogger(CredentialBroker.class);
  private static final double REFRESH_FROM = 0.70;
  private static final double REFRESH_TO = 0.85;

  private final CredentialIssuer issuer;
  private final CredentialsRenderer<R> renderer;
  private final BrokerSettings settings;
  private final Clock clock;
  private final Scheduler scheduler;
  private final BrokerObserver observer;
  private final RandomGenerator random;
  private final StsCallQueue calls;
  private final ConcurrentHashMap<SessionRequest, Session> sessions = new ConcurrentHashMap<>();
  private final AtomicInteger pendingPrefetches = new AtomicInteger();

  public CredentialBroker(
      CredentialIssuer issuer,
      CredentialsRenderer<R> renderer,
      BrokerSettings settings,
      Clock clock,
      Scheduler scheduler,
      Executor stsExecutor,
      BrokerObserver observer,
      RandomGenerator random) {
    this.issuer = issuer;
    this.renderer = renderer;
    this.settings = settings;
    this.clock = clock;
    this.scheduler = scheduler;
    this.observer = observer;
    this.random = random;
    this.calls =
        new StsCallQueue(
            stsExecutor,
            settings.maxConcurrentCalls(),
            settings.stsCallsPerSecond(),
            settings.stsBurst(),
            scheduler,
            clock);
  }

  /**
   * Cached credentials with at least {@code --min-remaining} left, if there are any: the hot path,
   * which never waits. During an STS outage, credentials down to the outage floor qualify.
   */
  public Optional<CachedCredentials<R>> cached(SessionRequest request) {
    Session session = sessions.get(request);
    if (session == null) {
      return Optional.empty();
    }
    synchronized (session) {
      Instant now = clock.instant();
      session.lastRequested = now;
      if (session.servable(now)) {
        observer.cacheHit();
        // Servable means that current is set.
        return Optional.ofNullable(session.current);
      }
      if (session.servableDuringOutage(now)) {
        observer.servedDuringOutage();
        return Optional.ofNullable(session.current);
      }
      return Optional.empty();
    }
  }

  /**
   * Credentials for {@code request}: at once when cached, else when the session's single STS call
   * completes. The future fails with a {@link StsCallException}; cancelling it or timing it out
   * does not affect the call.
   */
  public CompletableFuture<CachedCredentials<R>> credentials(SessionRequest request) {
    while (true) {
      Session session = sessions.computeIfAbsent(request, Session::new);
      synchronized (session) {
        if (session.removed) {
          continue;
        }
        Instant now = clock.instant();
        session.lastRequested = now;
        if (session.servable(now)) {
          observer.cacheHit();
          return CompletableFuture.completedFuture(session.current);
        }
        if (now.isBefore(session.negativeUntil)) {
          observer.negativeCacheHit();
          return CompletableFuture.failedFuture(session.lastFailure);
        }
        if (session.servableDuringOutage(now)) {
          observer.servedDuringOutage();
          startAttempt(session, now, StsCallQueue.Priority.REFRESH);
          return CompletableFuture.completedFuture(session.current);
        }
        observer.cacheMiss();
        if (session.pending == null) {
          session.pending = new CompletableFuture<>();
        }
        // Captured before submitting: a direct executor may complete and clear it at once.
        CompletableFuture<CachedCredentials<R>> shared = session.pending;
        startAttempt(session, now, StsCallQueue.Priority.CALLER_WAITING);
        return shared.copy();
      }
    }
  }

  /**
   * A pod needs this session: fetch it now if it is not cached, and keep it refreshed until every
   * holder has released it.
   */
  public void hold(SessionRequest request) {
    while (true) {
      Session session = sessions.computeIfAbsent(request, Session::new);
      synchronized (session) {
        if (session.removed) {
          continue;
        }
        session.holders++;
        Instant now = clock.instant();
        if (session.current == null
            && session.pending == null
            && !now.isBefore(session.negativeUntil)) {
          startAttempt(session, now, StsCallQueue.Priority.PREFETCH);
        }
        return;
      }
    }
  }

  /** One holder no longer needs this session; it stops being refreshed once nobody does. */
  public void release(SessionRequest request) {
    Session session = sessions.get(request);
    if (session == null) {
      return;
    }
    synchronized (session) {
      session.holders = Math.max(0, session.holders - 1);
      if (session.holders == 0) {
        session.releasedAt = clock.instant();
      }
      if (session.holders == 0
          && session.pending == null
          && session.current == null
          && !session.wanted(clock.instant(), settings.idleTimeout())) {
        evict(session);
      }
    }
  }

  /** Sessions the broker tracks. */
  public int sessionCount() {
    return sessions.size();
  }

  /** STS calls queued behind the rate limit. */
  public int queuedCalls() {
    return calls.queued();
  }

  /** STS calls a second allowed now: the configured limit, or less while STS throttles. */
  public double stsCallRate() {
    return calls.currentRate();
  }

  /**
   * Prefetches asked for and not finished: sessions a pod holds whose first STS call is queued
   * behind the rate limit or in flight. Each session counts once, however many pods hold it.
   */
  public int pendingPrefetches() {
    return pendingPrefetches.get();
  }

  // --- attempts -----------------------------------------------------------------------------

  /**
   * Makes sure an attempt is coming; its answer completes {@code session.pending}, the future every
   * waiting caller shares.
   */
  private void startAttempt(Session session, Instant now, StsCallQueue.Priority priority) {
    if (session.pending == null) {
      session.pending = new CompletableFuture<>();
    }
    if (session.call != null) {
      if (priority == StsCallQueue.Priority.CALLER_WAITING) {
        calls.promote(session.call);
      }
      return;
    }
    if (now.isBefore(session.nextAttemptAt)) {
      // Backing off: the timer set for nextAttemptAt starts the attempt.
      session.ensureTimer(Duration.between(now, session.nextAttemptAt));
      return;
    }
    session.cancelTimer();
    StsCallQueue.Call call = new StsCallQueue.Call(() -> callSts(session));
    session.call = call;
    if (priority == StsCallQueue.Priority.PREFETCH && !session.prefetching) {
      session.prefetching = true;
      pendingPrefetches.incrementAndGet();
    }
    calls.submit(call, priority);
  }

  private void callSts(Session session) {
    Instant started = clock.instant();
    try {
      IssuedCredentials issued = issuer.issue(session.request);
      Instant obtainedAt = clock.instant();
      observer.stsCall(Duration.between(started, obtainedAt), null);
      R rendered = renderer.render(session.request, issued, obtainedAt);
      succeeded(session, new CachedCredentials<>(session.request, issued, obtainedAt, rendered));
    } catch (StsCallException e) {
      observer.stsCall(Duration.between(started, clock.instant()), e);
      if (e instanceof StsCallException.Throttled) {
        calls.throttled();
      }
      failed(session, e);
    } catch (RuntimeException e) {
      // A bug in a renderer or an adapter must not leave callers waiting forever.
      log.error("unexpected failure fetching credentials for {}", session.request.role(), e);
      StsCallException failure =
          new StsCallException.Unavailable("InternalError", "unexpected: " + e, e);
      observer.stsCall(Duration.between(started, clock.instant()), failure);
      failed(session, failure);
    }
  }

  private void succeeded(Session session, CachedCredentials<R> fresh) {
    CompletableFuture<CachedCredentials<R>> waiting;
    synchronized (session) {
      session.current = fresh;
      session.lastFailure = null;
      session.failures = 0;
      session.negativeUntil = Instant.MIN;
      session.nextAttemptAt = Instant.MIN;
      session.call = null;
      prefetchDone(session);
      waiting = session.pending;
      session.pending = null;
      session.cancelTimer();
      session.ensureTimer(refreshDelay(fresh));
    }
    if (waiting != null) {
      waiting.complete(fresh);
    }
  }

  private void failed(Session session, StsCallException failure) {
    CompletableFuture<CachedCredentials<R>> waiting;
    CachedCredentials<R> stillUsable = null;
    Duration retryIn;
    synchronized (session) {
      Instant now = clock.instant();
      session.lastFailure = failure;
      session.failures++;
      session.call = null;
      prefetchDone(session);
      retryIn = backoff(session.failures);
      if (!failure.retryable()) {
        session.negativeUntil = now.plus(settings.negativeCacheTtl());
        retryIn = max(retryIn, settings.negativeCacheTtl());
      }
      session.nextAttemptAt = now.plus(retryIn);
      waiting = session.pending;
      session.pending = null;
      if (failure.retryable() && session.servableDuringOutage(now)) {
        stillUsable = session.current;
      }
      session.cancelTimer();
      session.ensureTimer(retryIn);
    }
    logFailure(session.request, failure, retryIn);
    if (waiting != null) {
      if (stillUsable != null) {
        waiting.complete(stillUsable);
      } else {
        waiting.completeExceptionally(failure);
      }
    }
  }

  /** The session's one timer fired: start a due attempt, refresh, or drop the session. */
  private void timerFired(Session session) {
    synchronized (session) {
      session.timer = null;
      if (session.removed) {
        return;
      }
      Instant now = clock.instant();
      if (session.pending != null) {
        if (session.call == null) {
          startAttempt(session, now, StsCallQueue.Priority.CALLER_WAITING);
        }
      } else if (session.holders > 0) {
        startAttempt(session, now, priorityWithoutCaller(session));
      } else if (session.current != null && session.wanted(now, settings.idleTimeout())) {
        // Nobody holds it but pods used it recently (no prefetch source told us): keep it fresh.
        startAttempt(session, now, priorityWithoutCaller(session));
      } else {
        evict(session);
      }
    }
  }

  private static StsCallQueue.Priority priorityWithoutCaller(CredentialBroker<?>.Session session) {
    if (session.lastFailure != null) {
      return StsCallQueue.Priority.RETRY;
    }
    return session.current == null ? StsCallQueue.Priority.PREFETCH : StsCallQueue.Priority.REFRESH;
  }

  /** The session's prefetch, if it had one, has its answer; call holding the session's lock. */
  private void prefetchDone(Session session) {
    if (session.prefetching) {
      session.prefetching = false;
      pendingPrefetches.decrementAndGet();
    }
  }

  private void evict(Session session) {
    prefetchDone(session);
    session.removed = true;
    session.cancelTimer();
    sessions.remove(session.request, session);
    observer.sessionEvicted();
  }

  // --- timing -------------------------------------------------------------------------------

  private Duration refreshDelay(CachedCredentials<R> fresh) {
    Instant now = clock.instant();
    Instant servableUntil = fresh.expiration().minus(settings.durations().minRemaining());
    Duration window = Duration.between(fresh.obtainedAt(), servableUntil);
    if (window.isNegative() || window.isZero()) {
      // STS gave less than --min-remaining (a role's maximum below ours): refresh at half-life.
      log.warn(
          "credentials for {} expire at {}, sooner than --min-remaining allows;"
              + " check the role's maximum session duration",
          fresh.request().role(),
          fresh.expiration());
      return Duration.between(now, fresh.expiration()).dividedBy(2);
    }
    double fraction = random.nextDouble(REFRESH_FROM, REFRESH_TO);
    Instant refreshAt = fresh.obtainedAt().plusNanos((long) (window.toNanos() * fraction));
    return max(Duration.between(now, refreshAt), Duration.ZERO);
  }

  private Duration backoff(int failures) {
    long base = settings.backoffBase().toMillis();
    long ceiling = settings.backoffMax().toMillis();
    long exponential = base << Math.min(failures - 1, 30);
    long capped = Math.min(ceiling, exponential <= 0 ? ceiling : exponential);
    // "Equal jitter": at least half the delay, so retries neither bunch up nor come too soon.
    long jittered = capped / 2 + random.nextLong(capped / 2 + 1);
    return Duration.ofMillis(jittered);
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static void logFailure(SessionRequest request, StsCallException failure, Duration retry) {
    MDC.put("iam.role", request.role().toString());
    try {
      log.warn(
          "STS refused or failed session {} for {}: {} {} ({}); next attempt in {} ms",
          request.sessionName(),
          request.role(),
          failure.errorCode(),
          failure.getMessage(),
          failure.retryable() ? "retryable" : "final",
          retry.toMillis());
    } finally {
      MDC.remove("iam.role");
    }
  }

  /** One session's state; guarded by its own monitor. */
  private final class Session {
    final SessionRequest request;
    @Nullable CachedCredentials<R> current;
    @Nullable CompletableFuture<CachedCredentials<R>> pending;
    StsCallQueue.@Nullable Call call;
    Scheduler.@Nullable Cancellable timer;
    @Nullable StsCallException lastFailure;
    int failures;
    Instant negativeUntil = Instant.MIN;
    Instant nextAttemptAt = Instant.MIN;
    @Nullable Instant lastRequested;
    // When the last holder let go: requests made before it no longer keep the session alive.
    @Nullable Instant releasedAt;
    int holders;
    boolean removed;
    // A PREFETCH-priority call was submitted and has not finished: counted in pendingPrefetches.
    boolean prefetching;

    Session(SessionRequest request) {
      this.request = request;
    }

    boolean servable(Instant now) {
      return current != null
          && current.remainingAt(now).compareTo(settings.durations().minRemaining()) >= 0;
    }

    boolean servableDuringOutage(Instant now) {
      return current != null
          && lastFailure != null
          && lastFailure.retryable()
          && current.remainingAt(now).compareTo(settings.outageFloor()) >= 0;
    }

    /**
     * Whether to keep refreshing: while a pod holds it, or — for sessions no prefetch source speaks
     * for — while it was asked for within the idle timeout. A release is the prefetch source saying
     * that no pod needs the session any more, so requests made before the last release do not
     * count: otherwise every pod that leaves would cost up to an idle timeout of refreshes nobody
     * uses (bench/sts-cost.sh measured 7 to 12 % more STS calls a day).
     */
    boolean wanted(Instant now, Duration idleTimeout) {
      return holders > 0
          || (lastRequested != null
              && (releasedAt == null || lastRequested.isAfter(releasedAt))
              && Duration.between(lastRequested, now).compareTo(idleTimeout) < 0);
    }

    void ensureTimer(Duration delay) {
      if (timer == null) {
        timer = scheduler.schedule(delay, () -> timerFired(this));
      }
    }

    void cancelTimer() {
      if (timer != null) {
        timer.cancel();
        timer = null;
      }
    }
  }
}
