package io.podium.interception;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Addresses written the way iptables-save and nft print them (RFC 5952: IPv6 in lower case with the
 * longest run of zero groups shortened to {@code ::}), so that the rules Podium renders compare
 * equal to the rules the kernel reports. {@link InetAddress#getHostAddress()} writes every group.
 */
final class IpLiterals {

  private IpLiterals() {}

  static String text(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return address.getHostAddress();
    }
    byte[] bytes = address.getAddress();
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
    }
    // The longest run of two or more zero groups (the first, if tied) becomes "::".
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int start = i;
      while (i < 8 && groups[i] == 0) {
        i++;
      }
      if (i - start > bestLength) {
        bestStart = start;
        bestLength = i - start;
      }
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        text.append("::");
        i += bestLength - 1;
        continue;
      }
      if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
        text.append(':');
      }
      text.append(Integer.toHexString(groups[i]));
    }
    return text.toString();
  }

  /** {@code address:port}, with the IPv6 address in brackets. */
  static String withPort(InetAddress address, int port) {
    String host = text(address);
    return (address instanceof Inet6Address ? "[" + host + "]" : host) + ":" + port;
  }
}
