package io.podium.imds;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The open connections of the metadata port, per source address and overall, against their caps.
 * Memory is bounded by the overall cap: a source is remembered only while it holds a connection.
 * Thread-safe: connections come and go on every event loop.
 */
public final class ConnectionLimits {

  /** Whether a new connection may stay. */
  enum Verdict {
    ADMITTED,
    /** Its source holds its cap already; the first refusal since the source was admitted. */
    SOURCE_FULL_FIRST,
    /** Its source holds its cap already, and was refused before. */
    SOURCE_FULL,
    /** Every source together holds the overall cap; the first refusal since the last admission. */
    FULL_FIRST,
    /** Every source together holds the overall cap. */
    FULL
  }

  private record Held(int connections, boolean refused) {}

  private final int max;
  private final int maxPerSource;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicBoolean refusedAtFull = new AtomicBoolean();
  private final ConcurrentHashMap<InetAddress, Held> bySource = new ConcurrentHashMap<>();

  public ConnectionLimits(int max, int maxPerSource) {
    this.max = max;
    this.maxPerSource = maxPerSource;
  }

  /** Counts a new connection from {@code source} if the caps allow it; else it must be closed. */
  Verdict acquire(InetAddress source) {
    Verdict[] verdict = {Verdict.ADMITTED};
    bySource.compute(
        source,
        (key, held) -> {
          int connections = held == null ? 0 : held.connections();
          if (connections >= maxPerSource) {
            verdict[0] = held.refused() ? Verdict.SOURCE_FULL : Verdict.SOURCE_FULL_FIRST;
            return new Held(connections, true);
          }
          if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            verdict[0] = refusedAtFull.getAndSet(true) ? Verdict.FULL : Verdict.FULL_FIRST;
            return held;
          }
          return new Held(connections + 1, held != null && held.refused());
        });
    if (verdict[0] == Verdict.ADMITTED) {
      refusedAtFull.set(false);
    }
    return verdict[0];
  }

  /** A connection {@link #acquire} admitted has closed. */
  void release(InetAddress source) {
    open.decrementAndGet();
    bySource.computeIfPresent(
        source,
        (key, held) ->
            held.connections() <= 1 ? null : new Held(held.connections() - 1, held.refused()));
  }

  /** Connections open now. */
  public int open() {
    return open.get();
  }

  /** Sources holding a connection now. */
  int sources() {
    return bySource.size();
  }
}
