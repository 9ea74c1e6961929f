package io.podium.core.broker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatches STS calls under one global rate limit and a concurrency cap: callers who are waiting
 * first, then prefetches for new pods, then refreshes, then retries of failed sessions. Nothing is
 * dropped: each session has at most one call queued, so the queue is bounded by the number of
 * sessions.
 *
 * <p>The rate limit is a ceiling that adapts to STS: when STS throttles a call (after the SDK's own
 * retries), the rate halves, at most once a second and never below {@value #FLOOR_PER_SECOND} call
 * a second (or the ceiling, if lower), and the burst saved up is dropped; every second without
 * throttling then gives back a tenth of the ceiling. So a burst of new pods is not held to a rate
 * chosen for the worst case, and an account whose STS quota other applications share is not pressed
 * harder once STS says it is busy.
 */
final class StsCallQueue {

  private static final Logger log = LoggerFactory.getLogger(StsCallQueue.class);

  /** The lowest rate throttling brings calls down to, in calls a second. */
  static final double FLOOR_PER_SECOND = 1;

  enum Priority {
    CALLER_WAITING,
    PREFETCH,
    REFRESH,
    /**
     * Another try at a session that failed; last, so that failing roles cannot crowd out others.
     */
    RETRY
  }

  /** A call that runs once, however often it is queued (a promotion queues it again). */
  static final class Call {
    private final Runnable work;
    private final AtomicBoolean started = new AtomicBoolean();

    Call(Runnable work) {
      this.work = work;
    }

    boolean started() {
      return started.get();
    }
  }

  private final Executor executor;
  private final int maxConcurrent;
  private final Scheduler scheduler;
  private final Clock clock;
  private final TokenBucket bucket;
  private final double ceiling;
  private final double floor;
  // Guarded by this.
  private double rate;
  private Instant lastCut;
  private Instant lastRaise;
  private final Map<Priority, ArrayDeque<Call>> queues = new EnumMap<>(Priority.class);
  private int running;
  private int waiting;
  private boolean wakeUpScheduled;

  StsCallQueue(
      Executor executor,
      int maxConcurrent,
      double callsPerSecond,
      int burst,
      Scheduler scheduler,
      Clock clock) {
    this.executor = executor;
    this.maxConcurrent = maxConcurrent;
    this.scheduler = scheduler;
    this.clock = clock;
    this.bucket = new TokenBucket(callsPerSecond, burst, clock.instant());
    this.ceiling = callsPerSecond;
    this.floor = Math.min(FLOOR_PER_SECOND, callsPerSecond);
    this.rate = callsPerSecond;
    this.lastCut = Instant.MIN;
    this.lastRaise = clock.instant();
    for (Priority priority : Priority.values()) {
      queues.put(priority, new ArrayDeque<>());
    }
  }

  void submit(Call call, Priority priority) {
    synchronized (this) {
      // Every priority has its queue from the start.
      Objects.requireNonNull(queues.get(priority)).addLast(call);
      waiting++;
    }
    dispatch();
  }

  /** Moves an already queued call ahead, because a caller now waits for it. */
  void promote(Call call) {
    if (!call.started()) {
      submit(call, Priority.CALLER_WAITING);
    }
  }

  /**
   * STS throttled a call even after the SDK's retries: halves the rate, unless it was cut less than
   * a second ago (the calls already in flight are throttled for the same reason).
   */
  void throttled() {
    synchronized (this) {
      Instant now = clock.instant();
      if (Duration.between(lastCut, now).compareTo(Duration.ofSeconds(1)) < 0) {
        return;
      }
      double before = rate;
      rate = Math.max(floor, rate / 2);
      bucket.setRate(rate, now);
      bucket.drain(now);
      lastCut = now;
      lastRaise = now;
      log.warn(
          "STS is throttling: slowing STS calls from {} to {} a second (--sts-rate-limit {})",
          round(before),
          round(rate),
          round(ceiling));
    }
  }

  /** The rate calls may start at now: the configured limit, or less while STS throttles. */
  synchronized double currentRate() {
    recover(clock.instant());
    return rate;
  }

  /** Calls queued and not yet started (a promoted call may count twice). */
  synchronized int queued() {
    return waiting;
  }

  private void dispatch() {
    while (true) {
      Call next;
      synchronized (this) {
        if (running >= maxConcurrent) {
          return;
        }
        ArrayDeque<Call> queue = firstWithUnstartedHead();
        if (queue == null) {
          return;
        }
        recover(clock.instant());
        if (!bucket.tryTake(clock.instant())) {
          scheduleWakeUp(bucket.untilNext(clock.instant()));
          return;
        }
        next = queue.pollFirst();
        waiting--;
        next.started.set(true);
        running++;
      }
      start(next);
    }
  }

  private void start(Call call) {
    try {
      executor.execute(
          () -> {
            try {
              call.work.run();
            } finally {
              synchronized (this) {
                running--;
              }
              dispatch();
            }
          });
    } catch (RejectedExecutionException e) {
      synchronized (this) {
        running--;
      }
      log.warn("STS call not started: the broker is shutting down");
    }
  }

  /** The most urgent queue whose head has not started, dropping heads that already have. */
  private @Nullable ArrayDeque<Call> firstWithUnstartedHead() {
    for (ArrayDeque<Call> queue : queues.values()) {
      while (!queue.isEmpty() && queue.peekFirst().started()) {
        queue.pollFirst();
        waiting--;
      }
      if (!queue.isEmpty()) {
        return queue;
      }
    }
    return null;
  }

  /** Gives back a tenth of the ceiling for every whole second since the last change; holds this. */
  private void recover(Instant now) {
    if (rate >= ceiling) {
      return;
    }
    long seconds = Duration.between(lastRaise, now).toSeconds();
    if (seconds < 1) {
      return;
    }
    rate = Math.min(ceiling, rate + seconds * ceiling / 10);
    bucket.setRate(rate, now);
    lastRaise = lastRaise.plusSeconds(seconds);
    if (rate >= ceiling) {
      log.info("STS has stopped throttling: STS calls back to {} a second", round(ceiling));
    }
  }

  private static double round(double callsPerSecond) {
    return Math.round(callsPerSecond * 10) / 10.0;
  }

  private void scheduleWakeUp(Duration delay) {
    if (wakeUpScheduled) {
      return;
    }
    wakeUpScheduled = true;
    scheduler.schedule(
        delay,
        () -> {
          synchronized (this) {
            wakeUpScheduled = false;
          }
          dispatch();
        });
  }
}
