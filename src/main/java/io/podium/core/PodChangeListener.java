package io.podium.core;

/**
 * Hears what a pod source learns, so that credentials can be fetched before pods ask and released
 * when no pod needs them. Called on the source's thread; implementations return quickly.
 */
public interface PodChangeListener {

  /** A pod appeared or changed (new IP, phase, annotations, service-account role). */
  void podUpserted(PodIdentity pod);

  /** A pod is gone. */
  void podRemoved(PodIdentity pod);

  /** A namespace's policy changed: its pods' permissions may have changed with it. */
  void namespaceChanged(String namespace);
}
