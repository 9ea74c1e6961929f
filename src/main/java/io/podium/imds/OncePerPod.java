package io.podium.imds;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers which pods something was already logged for, so that a pod without a role (whose SDK
 * asks again on every credentials lookup) is told about once, not once per request. Bounded: past
 * {@code capacity} pods it forgets them all, and the next request of each is logged again.
 */
final class OncePerPod {

  private final int capacity;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();

  OncePerPod(int capacity) {
    this.capacity = capacity;
  }

  /** Whether this is the first time for the pod with {@code uid}. */
  boolean first(String uid) {
    if (seen.size() >= capacity) {
      seen.clear();
    }
    return seen.add(uid);
  }
}
