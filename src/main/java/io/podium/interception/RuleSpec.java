package io.podium.interception;

import java.net.InetAddress;
import java.util.List;

/**
 * The interception wanted for one address family: TCP to the metadata address on port 80, arriving
 * on one of {@code interfaces}, goes to {@code target}:{@code port}, where the agent listens.
 */
record RuleSpec(IpFamily family, InetAddress target, int port, List<InterfaceMatch> interfaces) {

  RuleSpec {
    if (IpFamily.of(target) != family) {
      throw new IllegalArgumentException(target + " is not an " + family.label() + " address");
    }
    interfaces = List.copyOf(interfaces);
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
