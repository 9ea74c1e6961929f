package io.podium.core;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatches STS calls under one global rate limit and a concurrency cap: callers who are waiting
 * first, then prefetches for new pods, then refreshes, then retries of failed sessions. Nothing is
 * dropped: each session has at most one call queued, so the queue is bounded by the number of
 * sessions.
 */
final class StsCallQueue {

  private static final Logger log = LoggerFactory.getLogger(StsCallQueue.class);

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
    for (Priority priority : Priority.values()) {
      queues.put(priority, new ArrayDeque<>());
    }
  }

  void submit(Call call, Priority priority) {
    synchronized (this) {
      queues.get(priority).addLast(call);
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
  private ArrayDeque<Call> firstWithUnstartedHead() {
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
