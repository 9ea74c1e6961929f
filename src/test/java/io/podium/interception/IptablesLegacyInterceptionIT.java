package io.podium.interception;

/** The scenario on iptables-legacy, found because the node's rules are there. */
class IptablesLegacyInterceptionIT extends IptablesScenario {

  IptablesLegacyInterceptionIT() {
    super("-legacy");
  }

  @Override
  String label() {
    return "legacy";
  }

  @Override
  String backendName() {
    return "iptables-legacy";
  }

  @Override
  String detectionReason() {
    return "iptables-legacy holds more rules (7 rules in legacy, 0 in nft)";
  }

  @Override
  String mangle() {
    return "";
  }
}
