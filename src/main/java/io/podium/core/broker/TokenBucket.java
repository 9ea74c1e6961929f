package io.podium.core.broker;

import java.time.Duration;
import java.time.Instant;

/** A token-bucket rate limit on a given clock time; not thread-safe (callers hold a lock). */
final class TokenBucket {

  private double perSecond;
  private final double capacity;
  private double tokens;
  private Instant last;

  TokenBucket(double perSecond, int burst, Instant now) {
    this.perSecond = perSecond;
    this.capacity = burst;
    this.tokens = burst;
    this.last = now;
  }

  boolean tryTake(Instant now) {
    refill(now);
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  /** How long until one token is available. */
  Duration untilNext(Instant now) {
    refill(now);
    if (tokens >= 1) {
      return Duration.ZERO;
    }
    return Duration.ofNanos((long) Math.ceil((1 - tokens) / perSecond * 1e9));
  }

  /** From now on, refills at {@code newPerSecond}; the tokens saved up so far stay. */
  void setRate(double newPerSecond, Instant now) {
    refill(now);
    perSecond = newPerSecond;
  }

  /** Drops the tokens saved up: the next call waits for a token refilled at the current rate. */
  void drain(Instant now) {
    refill(now);
    tokens = Math.min(tokens, 0);
  }

  private void refill(Instant now) {
    if (now.isAfter(last)) {
      double elapsed = Duration.between(last, now).toNanos() / 1e9;
      tokens = Math.min(capacity, tokens + elapsed * perSecond);
      last = now;
    }
  }
}
