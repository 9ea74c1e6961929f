package io.podium.core.pod;

/**
 * Hears what a pod source learns, so that credentials can be fetched before pods ask and released
 * when no pod needs them. Called on the source's thread; implementations return quickly.
 *
 * <p>The source owns the pods: a listener keeps of a pod only what it needs itself. When a
 * namespace's policy changes, the source tells every pod of the namespace again, as {@link
 * #podUpserted}, for the listeners to judge it anew; a listener therefore handles hearing a pod
 * that has not changed.
 */
public interface PodChangeListener {

  /**
   * A pod appeared or changed (new IP, phase, annotations, service-account role), or the policy of
   * its namespace changed.
   */
  void podUpserted(PodIdentity pod);

  /** A pod is gone. */
  void podRemoved(PodIdentity pod);
}
