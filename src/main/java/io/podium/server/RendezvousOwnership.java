package io.podium.server;

import io.podium.api.WireCodec;
import io.podium.core.Replicas;
import io.podium.core.SessionRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
    String best = null;
    long bestWeight = Long.MIN_VALUE;
    for (String replica : live) {
      long weight = weight(replica, sessionKey);
      if (best == null
          || weight > bestWeight
          || (weight == bestWeight && replica.compareTo(best) < 0)) {
        best = replica;
        bestWeight = weight;
      }
    }
    return best;
  }

  private static long weight(String replica, String sessionKey) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest((replica + "\n" + sessionKey).getBytes(StandardCharsets.UTF_8));
      long weight = 0;
      for (int i = 0; i < 8; i++) {
        weight = (weight << 8) | (hash[i] & 0xff);
      }
      return weight;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }
}
