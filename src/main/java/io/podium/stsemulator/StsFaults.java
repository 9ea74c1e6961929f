package io.podium.stsemulator;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;

/**
 * Faults to inject into the emulator's answers, for tests of retries, backoff and timeouts. Every
 * method may be called at any time, from any thread; each takes effect from the next request.
 *
 * <p>For each request the first fault that applies wins, in this order: an error forced for the
 * request's RoleArn ({@link #failNextForRole}), {@link #throttleNext}, {@link #failNext}, {@link
 * #throttleFraction}. Latency applies to every answer, errors included.
 */
public final class StsFaults {

  private final RandomGenerator random;
  private final AtomicReference<Latency> latency = new AtomicReference<>(Latency.NONE);
  private final AtomicInteger throttleNext = new AtomicInteger();
  private final AtomicReference<Countdown> failNext = new AtomicReference<>(Countdown.NONE);
  private final Map<String, Countdown> failNextByRole = new ConcurrentHashMap<>();
  private volatile double throttleFraction;

  StsFaults(RandomGenerator random) {
    this.random = random;
  }

  /** Delays every answer by {@code delay}. */
  public StsFaults latency(Duration delay) {
    return latency(delay, delay);
  }

  /** Delays every answer by a uniformly random time from {@code min} to {@code max}. */
  public StsFaults latency(Duration min, Duration max) {
    latency.set(new Latency(min, max));
    return this;
  }

  /** Answers the next {@code count} requests with 400 {@code Throttling} "Rate exceeded". */
  public StsFaults throttleNext(int count) {
    throttleNext.set(requireCount(count));
    return this;
  }

  /** Answers this fraction of requests (0 to 1, at random) with 400 {@code Throttling}. */
  public StsFaults throttleFraction(double fraction) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException("throttle fraction must be from 0 to 1, got " + fraction);
    }
    throttleFraction = fraction;
    return this;
  }

  /**
   * Answers the next {@code count} requests with {@code error}, e.g. {@link
   * StsError#internalFailure()}.
   */
  public StsFaults failNext(int count, StsError error) {
    failNext.set(new Countdown(Objects.requireNonNull(error, "error"), requireCount(count)));
    return this;
  }

  /** Answers the next {@code count} requests naming this RoleArn with {@code error}. */
  public StsFaults failNextForRole(String roleArn, int count, StsError error) {
    failNextByRole.put(
        Objects.requireNonNull(roleArn, "roleArn"),
        new Countdown(Objects.requireNonNull(error, "error"), requireCount(count)));
    return this;
  }

  /** Removes every fault. */
  public void reset() {
    latency.set(Latency.NONE);
    throttleNext.set(0);
    failNext.set(Countdown.NONE);
    failNextByRole.clear();
    throttleFraction = 0;
  }

  /** The error to answer with instead of handling the request, if a fault says so. */
  Optional<StsError> nextError(Optional<String> roleArn) {
    Optional<StsError> forRole = roleArn.map(failNextByRole::get).flatMap(Countdown::take);
    if (forRole.isPresent()) {
      return forRole;
    }
    if (throttleNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return Optional.of(StsError.throttling());
    }
    Optional<StsError> forced = failNext.get().take();
    if (forced.isPresent()) {
      return forced;
    }
    double fraction = throttleFraction;
    if (fraction > 0 && random.nextDouble() < fraction) {
      return Optional.of(StsError.throttling());
    }
    return Optional.empty();
  }

  /** How long to hold the next answer back. */
  Duration nextDelay() {
    Latency current = latency.get();
    if (current.max().isZero()) {
      return Duration.ZERO;
    }
    long min = current.min().toNanos();
    long max = current.max().toNanos();
    return Duration.ofNanos(min == max ? min : random.nextLong(min, max + 1));
  }

  private static int requireCount(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative, got " + count);
    }
    return count;
  }

  /** A fixed delay or a uniform range. */
  record Latency(Duration min, Duration max) {
    static final Latency NONE = new Latency(Duration.ZERO, Duration.ZERO);

    Latency {
      if (min.isNegative() || max.compareTo(min) < 0) {
        throw new IllegalArgumentException(
            "latency needs 0 <= min <= max, got " + min + " and " + max);
      }
    }
  }

  /** An error to answer with for a number of requests. */
  private record Countdown(StsError error, AtomicInteger remaining) {
    static final Countdown NONE = new Countdown(StsError.throttling(), 0);

    Countdown(StsError error, int count) {
      this(error, new AtomicInteger(count));
    }

    Optional<StsError> take() {
      return remaining.getAndUpdate(n -> Math.max(0, n - 1)) > 0
          ? Optional.of(error)
          : Optional.empty();
    }
  }
}
