package io.podium.stsemulator;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every session the emulator issued, by access key id, so that requests signed with session
 * credentials can be verified. Sessions stay a day past their expiration (to answer ExpiredToken
 * rather than InvalidClientTokenId), then are dropped.
 */
final class SessionStore {

  private static final Duration KEEP_EXPIRED = Duration.ofDays(1);
  private static final int PURGE_EVERY = 1024;

  private final Map<String, IssuedSession> byAccessKeyId = new ConcurrentHashMap<>();
  private final AtomicLong added = new AtomicLong();

  void add(IssuedSession session, Instant now) {
    byAccessKeyId.put(session.accessKeyId(), session);
    if (added.incrementAndGet() % PURGE_EVERY == 0) {
      Instant cutoff = now.minus(KEEP_EXPIRED);
      byAccessKeyId.values().removeIf(s -> s.expiration().isBefore(cutoff));
    }
  }

  Optional<IssuedSession> find(String accessKeyId) {
    return Optional.ofNullable(byAccessKeyId.get(accessKeyId));
  }

  int size() {
    return byAccessKeyId.size();
  }
}
