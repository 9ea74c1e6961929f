package io.podium.core.broker;

import io.podium.core.session.SessionDurations;
import java.time.Duration;

/**
 * How the credential broker paces STS.
 *
 * @param durations session length and the validity every pod must receive
 * @param negativeCacheTtl how long a final refusal (AccessDenied) is answered from memory
 * @param backoffBase first retry delay after a failed call; doubles per failure, with jitter
 * @param backoffMax the longest retry delay
 * @param stsCallsPerSecond global STS rate limit, shared by every session
 * @param stsBurst calls allowed at once before the rate limit applies
 * @param maxConcurrentCalls STS calls in flight at once
 * @param idleTimeout how long a session nobody holds keeps being refreshed after its last request
 * @param outageFloor during an STS outage, cached credentials are still served while this much
 *     validity remains (normally nothing under {@code durations.minRemaining()} is served)
 */
public record BrokerSettings(
    SessionDurations durations,
    Duration negativeCacheTtl,
    Duration backoffBase,
    Duration backoffMax,
    double stsCallsPerSecond,
    int stsBurst,
    int maxConcurrentCalls,
    Duration idleTimeout,
    Duration outageFloor) {

  /**
   * A burst of new pods with their own sessions costs one call each; STS's own throttling, not this
   * ceiling, should be what slows them (the broker halves its rate when STS throttles).
   */
  public static final double DEFAULT_STS_CALLS_PER_SECOND = 100;

  public BrokerSettings {
    if (stsCallsPerSecond <= 0 || stsBurst < 1 || maxConcurrentCalls < 1) {
      throw new IllegalArgumentException(
          "--sts-rate-limit, its burst and the concurrency must be positive");
    }
    if (backoffBase.isNegative() || backoffBase.isZero() || backoffMax.compareTo(backoffBase) < 0) {
      throw new IllegalArgumentException(
          "backoff must be positive and its maximum at least its base");
    }
    if (outageFloor.compareTo(durations.minRemaining()) > 0) {
      throw new IllegalArgumentException("the outage floor cannot exceed --min-remaining");
    }
  }

  /**
   * Defaults: 1 h sessions, 20 min minimum, 30 s negative cache, 100 STS calls/s (lowered while STS
   * throttles) with a burst of 200.
   */
  public static BrokerSettings defaults(SessionDurations durations) {
    return new BrokerSettings(
        durations,
        Duration.ofSeconds(30),
        Duration.ofSeconds(1),
        Duration.ofSeconds(60),
        DEFAULT_STS_CALLS_PER_SECOND,
        (int) (2 * DEFAULT_STS_CALLS_PER_SECOND),
        16,
        durations.session(),
        Duration.ofMinutes(1));
  }
}
