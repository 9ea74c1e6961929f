package io.podium.interception;

import java.net.InetAddress;
import java.util.List;

/**
 * The interception wanted for one address family: TCP to the metadata address on port 80, arriving
 * on one of {@code interfaces}, goes to {@code target}:{@code port}, where the agent listens.
 *
 * @param keepFirst whether Podium's rules must also come first on the prerouting hook (the jump at
 *     the top of PREROUTING, the nftables chain ahead of every other nat chain), moved back there
 *     whenever something else is put before them ({@code --keep-jump-first})
 */
record RuleSpec(
    IpFamily family,
    InetAddress target,
    int port,
    List<InterfaceMatch> interfaces,
    boolean keepFirst) {

  RuleSpec {
    if (IpFamily.of(target) != family) {
      throw new IllegalArgumentException(target + " is not an " + family.label() + " address");
    }
    interfaces = List.copyOf(interfaces);
  }

  /** A rule kept first, the default. */
  RuleSpec(IpFamily family, InetAddress target, int port, List<InterfaceMatch> interfaces) {
    this(family, target, port, interfaces, true);
  }

  /** {@code 10.0.0.1:8181} or {@code [fd00::1]:8181}. */
  String destination() {
    return IpLiterals.withPort(target, port);
  }

  /** One line for logs: what is sent where. */
  String describe() {
    return IpLiterals.withPort(family.metadataAddress(), IpFamily.METADATA_PORT)
        + " on "
        + interfaces
        + " to "
        + destination();
  }
}
