package io.podium.testing;

import io.podium.core.broker.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;

/**
 * A {@link Scheduler} driven by a {@link MutableClock}: {@link #advance} moves time forward and
 * runs, in order and on the calling thread, every task that falls due, including tasks scheduled by
 * the tasks it runs.
 */
public final class ManualScheduler implements Scheduler {

  private final MutableClock clock;
  private final PriorityQueue<Task> tasks = new PriorityQueue<>();
  private long sequence;

  public ManualScheduler(MutableClock clock) {
    this.clock = clock;
  }

  private static final class Task implements Comparable<Task> {
    final Instant due;
    final long order;
    final Runnable work;
    volatile boolean cancelled;

    Task(Instant due, long order, Runnable work) {
      this.due = due;
      this.order = order;
      this.work = work;
    }

    @Override
    public int compareTo(Task other) {
      int byDue = due.compareTo(other.due);
      return byDue != 0 ? byDue : Long.compare(order, other.order);
    }
  }

  @Override
  public synchronized Cancellable schedule(Duration delay, Runnable work) {
    Task task =
        new Task(
            clock.instant().plus(delay.isNegative() ? Duration.ZERO : delay), sequence++, work);
    tasks.add(task);
    return () -> task.cancelled = true;
  }

  /** Moves the clock forward by {@code duration}, running every task that falls due on the way. */
  public void advance(Duration duration) {
    Instant target = clock.instant().plus(duration);
    while (true) {
      Task next;
      synchronized (this) {
        next = tasks.peek();
        if (next == null || next.due.isAfter(target)) {
          break;
        }
        tasks.poll();
      }
      if (next.due.isAfter(clock.instant())) {
        clock.set(next.due);
      }
      if (!next.cancelled) {
        next.work.run();
      }
    }
    clock.set(target);
  }

  /** Runs tasks already due without moving the clock. */
  public void runDue() {
    advance(Duration.ZERO);
  }

  /** Tasks scheduled and not cancelled. */
  public synchronized long pending() {
    return tasks.stream().filter(t -> !t.cancelled).count();
  }
}
