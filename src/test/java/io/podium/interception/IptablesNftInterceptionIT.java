package io.podium.interception;

/**
 * The scenario on iptables-nft, found by kubelet's hint chain as kube-proxy's image finds it (the
 * node also holds more rules nowhere else).
 */
class IptablesNftInterceptionIT extends IptablesScenario {

  IptablesNftInterceptionIT() {
    super("-nft");
  }

  @Override
  String label() {
    return "nft";
  }

  @Override
  String backendName() {
    return "iptables-nft";
  }

  @Override
  String detectionReason() {
    return "kubelet's hint chain is in iptables-nft";
  }

  @Override
  String mangle() {
    return ":KUBE-IPTABLES-HINT - [0:0]\n:KUBE-KUBELET-CANARY - [0:0]\n";
  }
}
