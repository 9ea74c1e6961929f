package io.podium.interception;

/** {@code --iptables-backend}: which firewall front end holds the interception rule. */
public enum BackendChoice {
  /** Whichever the node already uses: see {@link BackendDetector}. */
  AUTO,
  /** iptables-legacy (the x_tables kernel API). */
  LEGACY,
  /** iptables-nft (iptables syntax on nf_tables). */
  NFT,
  /** nft itself: Podium's own {@code podium} tables, for nodes without iptables. */
  NFTABLES
}
