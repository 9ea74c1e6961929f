package io.podium.agent;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Reconnection delays: exponential from {@code initial} to {@code max} with "equal jitter", so that
 * the agents of a whole cluster do not reconnect in step after a server restart. Not thread-safe.
 */
final class Backoff {

  private final Duration initial;
  private final Duration max;
  private final RandomGenerator random;
  private int failures;

  Backoff(Duration initial, Duration max, RandomGenerator random) {
    this.initial = initial;
    this.max = max;
    this.random = random;
  }

  Duration next() {
    long base = initial.toMillis() << Math.min(failures, 20);
    long capped = Math.min(max.toMillis(), base <= 0 ? max.toMillis() : base);
    failures++;
    return Duration.ofMillis(capped / 2 + random.nextLong(capped / 2 + 1));
  }

  void reset() {
    failures = 0;
  }
}
