package io.podium.interception;

/** What a backend found of Podium's interception for one family, compared with what is wanted. */
sealed interface Observed {

  /** Nothing of Podium's is there. */
  record Absent() implements Observed {}

  /**
   * Exactly the wanted rules are there.
   *
   * @param matchedPackets what the rules' counters say: the nat table sees the first packet of a
   *     connection only, so this counts the pods' connections intercepted since the rules were
   *     written
   */
  record InPlace(long matchedPackets) implements Observed {}

  /** Some of Podium's rules are there, but not the wanted ones; {@code difference} says how. */
  record Different(String difference) implements Observed {}
}
