package io.podium.core;

import java.util.Optional;
import java.util.Set;

/**
 * The port that says which server replicas are alive, so that they can share the STS work: each
 * session is owned by one live replica, and a dead replica's sessions move to the others.
 */
public interface Replicas {

  /** This replica's id. */
  String self();

  /**
   * The replicas alive now, this one included; empty when membership cannot be known (the
   * coordination API unreachable for longer than a lease), and then every replica must act as if it
   * owned every session: more STS calls, never a session nobody refreshes.
   */
  Optional<Set<String>> live();

  /** Calls {@code listener} (on the membership's thread) whenever {@link #live()} changes. */
  void onChange(Runnable listener);
}
