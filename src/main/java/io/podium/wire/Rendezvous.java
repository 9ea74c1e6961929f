package io.podium.wire;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Comparator;
import java.util.function.Function;

/**
 * Rendezvous (highest-random-weight) hashing of session keys over server replicas: the owner of a
 * session is the replica with the highest weight. Part of the wire contract, because servers use it
 * to decide who calls STS and agents use it to ask the owner first.
 */
public final class Rendezvous {

  private Rendezvous() {}

  /**
   * The owner of {@code sessionKey} among {@code replicas}, or {@code null} when there are none.
   */
  public static String owner(Collection<String> replicas, String sessionKey) {
    String best = null;
    long bestWeight = Long.MIN_VALUE;
    for (String replica : replicas) {
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

  /**
   * Orders anything that names a replica by that replica's claim to {@code sessionKey}: the owner
   * first, then the replicas that would own it if the owner were gone, in turn.
   */
  public static <T> Comparator<T> ownerFirst(String sessionKey, Function<T, String> replicaOf) {
    return Comparator.comparingLong((T each) -> weight(replicaOf.apply(each), sessionKey))
        .reversed()
        .thenComparing(replicaOf);
  }

  /** {@code replica}'s weight for {@code sessionKey}: the first 8 bytes of a SHA-256. */
  public static long weight(String replica, String sessionKey) {
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
