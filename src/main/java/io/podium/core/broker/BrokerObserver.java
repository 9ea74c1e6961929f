package io.podium.core.broker;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What the broker reports as it works; the metrics adapter implements it. All no-ops by default.
 */
public interface BrokerObserver {

  BrokerObserver NONE = new BrokerObserver() {};

  /** Served from cache with at least the minimum validity. */
  default void cacheHit() {}

  /** Not cached (or too old): the caller waits for STS. */
  default void cacheMiss() {}

  /** Answered from the negative cache after a final refusal. */
  default void negativeCacheHit() {}

  /** Served below {@code --min-remaining} because refreshing is failing (STS outage). */
  default void servedDuringOutage() {}

  /** One STS call the broker made, with its duration; {@code failure} is null on success. */
  default void stsCall(Duration duration, @Nullable StsCallException failure) {}

  /** A session was dropped because no pod needs it any more. */
  default void sessionEvicted() {}
}
