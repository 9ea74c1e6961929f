package io.podium.interception;

import java.net.InetAddress;

/** The two address families the instance metadata service answers on, and their kernel names. */
public enum IpFamily {
  IPV4("ipv4", InetAddress.ofLiteral("169.254.169.254"), 32, "iptables", "ip"),
  IPV6("ipv6", InetAddress.ofLiteral("fd00:ec2::254"), 128, "ip6tables", "ip6");

  /** The metadata service's port on both addresses. */
  public static final int METADATA_PORT = 80;

  private final String label;
  private final InetAddress metadataAddress;
  private final int hostPrefixLength;
  private final String iptables;
  private final String nftFamily;

  IpFamily(
      String label,
      InetAddress metadataAddress,
      int hostPrefixLength,
      String iptables,
      String nftFamily) {
    this.label = label;
    this.metadataAddress = metadataAddress;
    this.hostPrefixLength = hostPrefixLength;
    this.iptables = iptables;
    this.nftFamily = nftFamily;
  }

  /** The family's name in logs, metric labels and conntrack's {@code -f}: ipv4 or ipv6. */
  public String label() {
    return label;
  }

  /** 169.254.169.254 or fd00:ec2::254. */
  public InetAddress metadataAddress() {
    return metadataAddress;
  }

  /** The metadata address as iptables prints it: with its host prefix length. */
  String metadataHost() {
    return IpLiterals.text(metadataAddress) + "/" + hostPrefixLength;
  }

  /** The iptables program family: {@code iptables} or {@code ip6tables}. */
  String iptables() {
    return iptables;
  }

  /** The nftables family: {@code ip} or {@code ip6}. */
  String nftFamily() {
    return nftFamily;
  }

  /** The family of {@code address}. */
  static IpFamily of(InetAddress address) {
    return address instanceof java.net.Inet6Address ? IPV6 : IPV4;
  }
}
