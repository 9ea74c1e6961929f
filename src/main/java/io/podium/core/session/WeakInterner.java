package io.podium.core.session;

import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.WeakHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Hands out one canonical instance per distinct value, so that many holders of equal immutable
 * values (pods sharing a session, a namespace, a node) share one object instead of each keeping its
 * own copy. Built on weak references: an entry goes as soon as no one outside holds its value, so
 * the interner never grows beyond the distinct values in use. Thread-safe.
 *
 * <p>Only for immutable values whose {@code equals} means "interchangeable": a caller receiving the
 * canonical instance instead of its own must not be able to tell the difference.
 */
public final class WeakInterner<T extends @Nullable Object> {

  // Key and value are the same object; the value is weak too, or the map would keep it alive.
  private final Map<T, WeakReference<T>> canonical = new WeakHashMap<>();

  /** The canonical instance equal to {@code value}: {@code value} itself if none is held yet. */
  public synchronized T intern(T value) {
    if (value == null) {
      return value;
    }
    WeakReference<T> held = canonical.get(value);
    T existing = held == null ? null : held.get();
    if (existing != null) {
      return existing;
    }
    canonical.put(value, new WeakReference<>(value));
    return value;
  }

  /** Distinct values held (those no longer used elsewhere go at the next garbage collection). */
  public synchronized int size() {
    return canonical.size();
  }
}
