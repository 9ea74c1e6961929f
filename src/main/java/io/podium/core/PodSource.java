package io.podium.core;

import io.podium.core.pod.PodChangeListener;

/**
 * Where a process learns of pods: a {@link PodDirectory} for lookups that also tells listeners of
 * every pod and change, and reports problems with a pod where its owner looks. The pods file or the
 * cluster; the processes that serve pods use either the same way.
 */
public interface PodSource extends PodDirectory, AutoCloseable {

  /**
   * Starts watching for changes and returns once every pod has been listed.
   *
   * @throws RuntimeException when the pods cannot be listed, saying what to fix
   */
  void start();

  /** Whether every pod has been listed. */
  boolean synced();

  /** How many pods the source knows now (for the start-up line and metrics). */
  int podCount();

  /**
   * Adds a listener, which first hears every current pod as {@link PodChangeListener#podUpserted},
   * then every change. Add listeners after {@link #start}, so that the pods replayed to them are
   * judged with their namespaces' policies.
   */
  void addListener(PodChangeListener listener);

  /**
   * Tells {@code listener} every current pod again, in order with the other events; nothing if it
   * is not a listener (yet: adding it tells every pod).
   */
  void retell(PodChangeListener listener);

  /** Where problems with a pod are reported: Events on the pod in a cluster, nowhere for a file. */
  PodProblems problems();

  /** Stops watching and reporting; lookups keep answering from what was last seen. */
  @Override
  void close();
}
