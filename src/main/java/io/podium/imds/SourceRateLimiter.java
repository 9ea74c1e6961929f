package io.podium.imds;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A token bucket per source address: {@code perSecond} requests a second, {@code burst} at once.
 * Memory is bounded: at most {@code maxSources} addresses are remembered, the least recently seen
 * forgotten first. A forgotten address starts again with a full bucket — exactly what an idle one
 * would have — so a flood of new addresses costs nothing but their own allowance; and a pod has one
 * address, so it cannot cycle through many to reset its own bucket.
 */
public final class SourceRateLimiter {

  /** The answer for one request. */
  public enum Verdict {
    ALLOWED,
    /** Refused, the first time since the source was last allowed: worth one log line. */
    FIRST_LIMITED,
    /** Refused again. */
    LIMITED
  }

  private static final int STRIPES = 16;

  private final double perNano;
  private final double burst;
  private final LongSupplier nanoTime;
  private final Stripe[] stripes = new Stripe[STRIPES];

  public SourceRateLimiter(int perSecond, int burst, int maxSources, LongSupplier nanoTime) {
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.nanoTime = nanoTime;
    int perStripe = Math.max(1, maxSources / STRIPES);
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Stripe(perStripe);
    }
  }

  public Verdict tryAcquire(InetAddress source) {
    Stripe stripe = stripes[Math.floorMod(source.hashCode(), STRIPES)];
    long now = nanoTime.getAsLong();
    synchronized (stripe) {
      Bucket bucket = stripe.get(source);
      if (bucket == null) {
        bucket = new Bucket(burst, now);
        stripe.put(source, bucket);
      }
      return bucket.take(now, perNano, burst);
    }
  }

  /** How many sources are remembered now. */
  int trackedSources() {
    int total = 0;
    for (Stripe stripe : stripes) {
      synchronized (stripe) {
        total += stripe.size();
      }
    }
    return total;
  }

  private static final class Bucket {
    private double tokens;
    private long refilledAt;
    private boolean limited;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.refilledAt = now;
    }

    Verdict take(long now, double perNano, double burst) {
      tokens = Math.min(burst, tokens + Math.max(0, now - refilledAt) * perNano);
      refilledAt = now;
      if (tokens >= 1) {
        tokens -= 1;
        limited = false;
        return Verdict.ALLOWED;
      }
      if (limited) {
        return Verdict.LIMITED;
      }
      limited = true;
      return Verdict.FIRST_LIMITED;
    }
  }

  /** An access-ordered map that drops its least recently used entry beyond its capacity. */
  private static final class Stripe extends LinkedHashMap<InetAddress, Bucket> {
    private final int capacity;

    Stripe(int capacity) {
      super(16, 0.75f, true);
      this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<InetAddress, Bucket> eldest) {
      return size() > capacity;
    }
  }
}
