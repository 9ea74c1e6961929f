package io.podium.interception;

/**
 * Which iptables programs to run: {@code iptables-legacy-save} and friends, {@code
 * iptables-nft-save} and friends, or the unsuffixed {@code iptables-save} of an installation that
 * has only one kind.
 *
 * @param name the backend's name in logs
 * @param suffix what follows {@code iptables}/{@code ip6tables} in the program names
 */
record IptablesFlavor(String name, String suffix) {

  static final IptablesFlavor LEGACY = new IptablesFlavor("iptables-legacy", "-legacy");
  static final IptablesFlavor NFT = new IptablesFlavor("iptables-nft", "-nft");

  /** The unsuffixed programs, of the kind {@code iptables --version} reports. */
  static IptablesFlavor unsuffixed(boolean nfTables) {
    return new IptablesFlavor(nfTables ? "iptables (nf_tables)" : "iptables (legacy)", "");
  }

  String save(IpFamily family) {
    return family.iptables() + suffix + "-save";
  }

  String restore(IpFamily family) {
    return family.iptables() + suffix + "-restore";
  }
}
