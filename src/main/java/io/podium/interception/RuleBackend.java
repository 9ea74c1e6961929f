package io.podium.interception;

import java.util.List;

/**
 * One firewall front end that can hold the interception rule: iptables-legacy, iptables-nft or
 * native nftables. Every write replaces all of Podium's objects in one family at once, so that no
 * packet ever sees half a rule set.
 */
interface RuleBackend {

  /** The backend's name in logs and output: iptables-legacy, iptables-nft, nftables. */
  String name();

  /** Reads what is installed now and compares it with {@code wanted}. */
  Observed inspect(RuleSpec wanted);

  /** Replaces whatever of Podium's is installed in {@code wanted}'s family with {@code wanted}. */
  void install(RuleSpec wanted);

  /**
   * Removes everything Podium installed in {@code family} and nothing else.
   *
   * @return whether there was anything to remove
   */
  boolean remove(IpFamily family);

  /** The rules as this backend writes them, one per line, for output and docs. */
  List<String> render(RuleSpec wanted);
}
