package io.podium.cli;

import java.net.InetSocketAddress;

/** {@code HOST:PORT} option values ({@code [::]:8443} for IPv6), with errors naming the option. */
final class ListenAddresses {

  private ListenAddresses() {}

  /**
   * @throws IllegalArgumentException saying which option is wrong and how
   */
  static InetSocketAddress parse(String option, String value) {
    String text = value == null ? "" : value.strip();
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException(
          option + " '" + text + "' is not HOST:PORT, e.g. 0.0.0.0:8443");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException(
          option + " '" + text + "': write IPv6 addresses in brackets, e.g. [::]:8443");
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(option + " '" + text + "': the port must be in 0..65535");
    }
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      throw new IllegalArgumentException(
          option + " host '" + host + "' does not resolve to an address");
    }
    return address;
  }
}
