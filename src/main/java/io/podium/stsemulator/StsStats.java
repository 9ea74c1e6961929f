package io.podium.stsemulator;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the emulator has been asked so far, for tests to assert on: requests per action (counted on
 * arrival, whatever their outcome), errors per code, and sessions issued. Actions the emulator does
 * not know are counted together under {@value #UNKNOWN_ACTION}, so that hostile input cannot grow
 * the map. While latency is injected, it also remembers the latency each RoleSessionName's latest
 * answer was held back by, so that a benchmark can subtract STS's own time from what a pod waited.
 */
public final class StsStats {

  /** The key under which requests for unknown or missing actions are counted. */
  public static final String UNKNOWN_ACTION = "(unknown)";

  private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final LongAdder sessionsIssued = new LongAdder();

  /** The most session names whose injected latency is remembered; the oldest are forgotten. */
  static final int MAX_REMEMBERED_DELAYS = 100_000;

  // Insertion-ordered and bounded: a long-running emulator with latency on must not grow forever.
  private final Map<String, Duration> delays =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Duration> eldest) {
          return size() > MAX_REMEMBERED_DELAYS;
        }
      };

  StsStats() {}

  /** Requests received for {@code action}, e.g. {@code AssumeRole}, errors included. */
  public long callCount(String action) {
    LongAdder count = calls.get(action);
    return count == null ? 0 : count.sum();
  }

  /** Requests received for any action. */
  public long totalCalls() {
    return calls.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Error responses sent with {@code code}, e.g. {@code Throttling}. */
  public long errorCount(String code) {
    LongAdder count = errors.get(code);
    return count == null ? 0 : count.sum();
  }

  /** Sessions issued by AssumeRole and AssumeRoleWithWebIdentity. */
  public long sessionsIssued() {
    return sessionsIssued.sum();
  }

  /** A snapshot of the per-action counts, sorted by action. */
  public Map<String, Long> callCounts() {
    Map<String, Long> snapshot = new TreeMap<>();
    calls.forEach((action, count) -> snapshot.put(action, count.sum()));
    return snapshot;
  }

  /**
   * The latency injected into the latest answer to a request naming this RoleSessionName (whatever
   * its outcome); empty when none was injected or the name is unknown. Only the newest {@value
   * #MAX_REMEMBERED_DELAYS} names are kept.
   */
  public Optional<Duration> injectedDelay(String roleSessionName) {
    synchronized (delays) {
      return Optional.ofNullable(delays.get(roleSessionName));
    }
  }

  void recordDelay(String roleSessionName, Duration delay) {
    if (delay.isZero()) {
      return;
    }
    synchronized (delays) {
      // Removed first so that a name asked for again counts as the newest.
      delays.remove(roleSessionName);
      delays.put(roleSessionName, delay);
    }
  }

  void recordCall(String action) {
    calls.computeIfAbsent(action, a -> new LongAdder()).increment();
  }

  void recordError(String code) {
    errors.computeIfAbsent(code, c -> new LongAdder()).increment();
  }

  void recordSessionIssued() {
    sessionsIssued.increment();
  }

  @Override
  public String toString() {
    return "StsStats" + callCounts();
  }
}
