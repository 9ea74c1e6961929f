package io.podium.interception;

import java.util.regex.Pattern;

/**
 * One {@code --host-interface}: the interfaces on which pods' packets arrive at the node. An exact
 * name ({@code cni0}), a prefix glob ({@code cali+}, also written {@code cali*}), or either negated
 * ({@code !eth0}: every interface but the node's uplink).
 *
 * @param name the interface name or, for a glob, its prefix
 * @param prefix whether {@code name} is a prefix
 * @param negated whether the match is inverted
 */
public record InterfaceMatch(String name, boolean prefix, boolean negated) {

  /** Linux interface names: at most 15 bytes (IFNAMSIZ - 1); no '/', ':' or whitespace. */
  private static final int MAX_LENGTH = 15;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]*");

  public InterfaceMatch {
    if (name.isEmpty() || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "--host-interface '"
              + (negated ? "!" : "")
              + name
              + (prefix ? "+" : "")
              + "' is not an interface name or prefix: use e.g. cali+ (Calico), eni+ (AWS VPC"
              + " CNI), cni0 (bridge, flannel), cbr0 (kubenet), lxc+ (Cilium) or !eth0");
    }
    if (name.length() + (prefix ? 1 : 0) > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "--host-interface '" + name + "' is longer than an interface name can be (15)");
    }
  }

  /** Parses {@code cni0}, {@code cali+}, {@code cali*} or {@code !eth0}. */
  public static InterfaceMatch parse(String text) {
    String rest = text.strip();
    boolean negated = rest.startsWith("!");
    if (negated) {
      rest = rest.substring(1).strip();
    }
    boolean prefix = rest.endsWith("+") || rest.endsWith("*");
    if (prefix) {
      rest = rest.substring(0, rest.length() - 1);
    }
    return new InterfaceMatch(rest, prefix, negated);
  }

  /** Whether packets arriving on {@code interfaceName} match, as iptables and nft decide it. */
  boolean matches(String interfaceName) {
    boolean hit = prefix ? interfaceName.startsWith(name) : interfaceName.equals(name);
    return hit != negated;
  }

  /** The match as iptables writes it: {@code -i cali+}, {@code ! -i eth0}. */
  String iptables() {
    return (negated ? "! " : "") + "-i " + name + (prefix ? "+" : "");
  }

  /** The interface pattern as nft writes it: {@code cali*}. */
  String nftPattern() {
    return name + (prefix ? "*" : "");
  }

  /** The comparison nft uses: {@code ==} or {@code !=}. */
  String nftOperator() {
    return negated ? "!=" : "==";
  }

  /** The match as nft's rule syntax writes it: {@code iifname "cali*"}. */
  String nft() {
    return "iifname " + (negated ? "!= " : "") + "\"" + nftPattern() + "\"";
  }

  @Override
  public String toString() {
    return (negated ? "!" : "") + name + (prefix ? "+" : "");
  }
}
