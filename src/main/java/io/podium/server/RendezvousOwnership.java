package io.podium.server;

import io.podium.core.Replicas;
import io.podium.core.session.SessionRequest;
import io.podium.wire.Rendezvous;
import io.podium.wire.WireCodec;
import java.util.Optional;
import java.util.Set;

/**
 * Rendezvous (highest-random-weight) hashing of sessions over the live replicas: each session's
 * owner is the replica whose hash with the session's key is highest. Every replica computes the
 * same owner from the same membership, with no coordination; when a replica joins or leaves, only
 * the sessions it gains or held move.
 */
public final class RendezvousOwnership implements SessionOwnership {

  private final Replicas replicas;

  public RendezvousOwnership(Replicas replicas) {
    this.replicas = replicas;
  }

  @Override
  public boolean owns(SessionRequest request) {
    Optional<Set<String>> live = replicas.live();
    if (live.isEmpty()) {
      return true;
    }
    return replicas.self().equals(owner(live.get(), WireCodec.sessionKey(request)));
  }

  @Override
  public void onChange(Runnable listener) {
    replicas.onChange(listener);
  }

  /** The owner of {@code sessionKey} among {@code live}. */
  static String owner(Set<String> live, String sessionKey) {
    return Rendezvous.owner(live, sessionKey);
  }
}
