package io.podium.interception;

/** What one check did for one address family. */
public sealed interface RuleCheck {

  IpFamily family();

  /** Whether the rule is in place after the check. */
  default boolean inPlace() {
    return !(this instanceof Failed);
  }

  /** The rule was already as wanted; its counters say {@code matchedPackets}. */
  record Unchanged(IpFamily family, long matchedPackets) implements RuleCheck {}

  /** Nothing of Podium's was there; the rule was written and {@code connectionsCut} cut. */
  record Installed(IpFamily family, long connectionsCut) implements RuleCheck {}

  /** Podium's rule was there but not as wanted ({@code difference}); it was rewritten. */
  record Repaired(IpFamily family, String difference, long connectionsCut) implements RuleCheck {}

  /** The rule could not be read or written; {@code reason} says why. */
  record Failed(IpFamily family, String reason) implements RuleCheck {}
}
