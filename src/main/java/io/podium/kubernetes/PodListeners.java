package io.podium.kubernetes;

import io.podium.core.pod.PodChangeListener;
import io.podium.core.pod.PodIdentity;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners of one pod source, and how they are told: each event to each listener on its own,
 * so that one listener that throws keeps neither the others nor the source from hearing of changes.
 *
 * <p>Not a lock of its own: the source calls every method holding its lock, so that a listener
 * added while the pods change hears every pod exactly in order.
 */
final class PodListeners {

  private static final Logger log = LoggerFactory.getLogger(PodListeners.class);

  private final List<PodChangeListener> listeners = new CopyOnWriteArrayList<>();

  /** Adds {@code listener} and tells it every one of {@code pods}, the source's current pods. */
  void add(PodChangeListener listener, Collection<PodIdentity> pods) {
    listeners.add(listener);
    for (PodIdentity pod : pods) {
      tell(listener, l -> l.podUpserted(pod));
    }
  }

  /** Tells {@code listener} every one of {@code pods} again, if it is a listener. */
  void retell(PodChangeListener listener, Collection<PodIdentity> pods) {
    if (listeners.contains(listener)) {
      for (PodIdentity pod : pods) {
        tell(listener, l -> l.podUpserted(pod));
      }
    }
  }

  /** Tells every listener that {@code pod} appeared or changed. */
  void upserted(PodIdentity pod) {
    for (PodChangeListener listener : listeners) {
      tell(listener, l -> l.podUpserted(pod));
    }
  }

  /** Tells every listener that {@code pod} is gone. */
  void removed(PodIdentity pod) {
    for (PodChangeListener listener : listeners) {
      tell(listener, l -> l.podRemoved(pod));
    }
  }

  /** Tells each listener in turn of every pod {@code removed}, then every pod {@code upserted}. */
  void changed(List<PodIdentity> removed, List<PodIdentity> upserted) {
    for (PodChangeListener listener : listeners) {
      for (PodIdentity pod : removed) {
        tell(listener, l -> l.podRemoved(pod));
      }
      for (PodIdentity pod : upserted) {
        tell(listener, l -> l.podUpserted(pod));
      }
    }
  }

  private static void tell(PodChangeListener listener, Consumer<PodChangeListener> event) {
    try {
      event.accept(listener);
    } catch (RuntimeException e) {
      log.error("pod change listener {} failed", listener, e);
    }
  }
}
