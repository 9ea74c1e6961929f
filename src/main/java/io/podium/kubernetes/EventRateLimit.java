package io.podium.kubernetes;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * At most one event per key (a pod and a reason) per interval, remembering at most a fixed number
 * of keys: when more are seen, the least recently emitted are forgotten (and may then be emitted
 * early), so that memory stays bounded however many pods misbehave. Thread-safe.
 */
final class EventRateLimit {

  private final Duration interval;
  private final LinkedHashMap<String, Instant> lastEmitted;

  EventRateLimit(Duration interval, int maxKeys) {
    if (maxKeys < 1) {
      throw new IllegalArgumentException("maxKeys must be positive");
    }
    this.interval = interval;
    this.lastEmitted =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
            return size() > maxKeys;
          }
        };
  }

  /** Whether an event for {@code key} may go out at {@code now}; if so, it is counted as sent. */
  synchronized boolean tryAcquire(String key, Instant now) {
    Instant last = lastEmitted.get(key);
    if (last != null && now.isBefore(last.plus(interval))) {
      return false;
    }
    lastEmitted.put(key, now);
    return true;
  }

  /** Keys remembered now. */
  synchronized int remembered() {
    return lastEmitted.size();
  }
}
