package io.podium.core.broker;

import java.time.Duration;

/** Runs tasks later. A port so that tests can drive time by hand instead of sleeping. */
public interface Scheduler {

  /** Runs {@code task} once after {@code delay}; the returned handle cancels it. */
  Cancellable schedule(Duration delay, Runnable task);

  /** A scheduled task that may still be cancelled. */
  @FunctionalInterface
  interface Cancellable {
    void cancel();
  }
}
