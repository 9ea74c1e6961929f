package io.podium.containercredentials;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code Host} header must name an address the endpoint is bound to, as EKS Pod Identity's
 * agent requires: a request for another host reached it by a route nobody meant (a proxy, a DNS
 * name pointing at the node, a rebinding attack from a browser) and is refused. The port is not
 * compared; IPv6 literals may come with or without brackets. A wildcard bind accepts the address
 * the connection arrived on; a loopback one also accepts {@code localhost}.
 */
final class HostCheck {

  private final Set<String> bound = new HashSet<>();

  HostCheck(List<InetSocketAddress> listen) {
    for (InetSocketAddress address : listen) {
      if (!address.getAddress().isAnyLocalAddress()) {
        bound.add(literal(address.getAddress()));
      }
    }
  }

  /** Whether {@code host} (the header's value) names {@code local} or a bound address. */
  boolean accepts(String host, InetSocketAddress local) {
    if (host == null) {
      return false;
    }
    String name = canonical(hostPart(host.strip()).toLowerCase(Locale.ROOT));
    if (name.isEmpty()) {
      return false;
    }
    if (bound.contains(name)) {
      return true;
    }
    if (local == null) {
      return false;
    }
    InetAddress arrived = local.getAddress();
    return name.equals(literal(arrived))
        || (arrived.isLoopbackAddress() && name.equals("localhost"));
  }

  /** The host of {@code host[:port]}, {@code [v6][:port]} or a bare IPv6 literal. */
  static String hostPart(String value) {
    if (value.startsWith("[")) {
      int close = value.indexOf(']');
      return close < 0 ? "" : value.substring(1, close);
    }
    int colon = value.indexOf(':');
    if (colon >= 0 && value.indexOf(':', colon + 1) >= 0) {
      return value; // an unbracketed IPv6 literal
    }
    return colon < 0 ? value : value.substring(0, colon);
  }

  /** The canonical text of an address, the way {@link #hostPart} results are compared. */
  static String literal(InetAddress address) {
    String text = address.getHostAddress();
    if (address instanceof Inet6Address) {
      int scope = text.indexOf('%');
      text = scope < 0 ? text : text.substring(0, scope);
      return InetAddress.ofLiteral(text).getHostAddress().toLowerCase(Locale.ROOT);
    }
    return text;
  }

  /** {@code value}'s host, canonical when it is an IP literal (so ::1 and 0:0::1 agree). */
  static String canonical(String hostPart) {
    try {
      if (hostPart.indexOf(':') >= 0) {
        return literal(InetAddress.ofLiteral(hostPart));
      }
    } catch (IllegalArgumentException e) {
      // Not a literal: compared as it is.
    }
    return hostPart;
  }
}
