package io.podium.cli;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * A {@code HOST:PORT} option value, IPv6 addresses in brackets ({@code [::1]:8181}), read the same
 * way by every command. Errors name the option and show what to write instead.
 *
 * @param host the host without brackets: a name or an IP address
 */
record HostPort(String host, int port) {

  /** Longest part of a bad value an error repeats. */
  private static final int MAX_ECHO = 128;

  /**
   * Parses {@code value} without resolving its host.
   *
   * @param option the option's name, e.g. {@code --listen}, for the error
   * @param example a good value for the option, e.g. {@code 127.0.0.1:4566}, for the error
   * @throws IllegalArgumentException naming the option and saying what to write
   */
  static HostPort parse(String option, String value, String example) {
    String text = value == null ? "" : value.strip();
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException(
          option + " '" + echo(text) + "' is not HOST:PORT, e.g. " + example);
    }
    String host = text.substring(0, colon);
    String portText = text.substring(colon + 1);
    if (host.startsWith("[") && host.endsWith("]") && host.length() > 2) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":") || host.contains("[") || host.contains("]")) {
      throw new IllegalArgumentException(
          option
              + " '"
              + echo(text)
              + "' is not HOST:PORT: put IPv6 addresses in brackets, e.g. "
              + bracketed(host, portText, example));
    }
    int port = -1;
    if (portText.chars().allMatch(Character::isDigit) && portText.length() <= 5) {
      port = Integer.parseInt(portText);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          option + " port must be from 0 to 65535; got '" + echo(text) + "'");
    }
    return new HostPort(host, port);
  }

  /**
   * Parses an address to listen on: an IP address, or a name that resolves to one.
   *
   * @throws IllegalArgumentException naming the option and saying what to write
   */
  static InetSocketAddress listenAddress(String option, String value, String example) {
    HostPort parsed = parse(option, value, example);
    InetSocketAddress address = new InetSocketAddress(parsed.host(), parsed.port());
    if (address.isUnresolved()) {
      throw new IllegalArgumentException(
          option
              + " host '"
              + echo(parsed.host())
              + "' does not resolve to an address; give an IP address");
    }
    return address;
  }

  /**
   * Like {@link #listenAddress}, but {@code none} (any case) turns the listener off: empty.
   *
   * @throws IllegalArgumentException naming the option and saying what to write
   */
  static Optional<InetSocketAddress> listenAddressOrNone(
      String option, String value, String example) {
    if (value == null || value.strip().equalsIgnoreCase("none")) {
      return Optional.empty();
    }
    return Optional.of(listenAddress(option, value, example));
  }

  /** {@code host:port}, an IPv6 address in brackets, for URLs and messages. */
  static String text(InetSocketAddress address) {
    String host =
        address.getAddress() == null
            ? address.getHostString()
            : address.getAddress().getHostAddress();
    int scope = host.indexOf('%');
    host = scope < 0 ? host : host.substring(0, scope);
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  /** The user's own address in brackets when it is an IPv6 address and a port, else the example. */
  private static String bracketed(String host, String portText, String example) {
    String bare = host.replace("[", "").replace("]", "");
    if (!portText.isEmpty() && portText.chars().allMatch(Character::isDigit)) {
      try {
        Inet6Address.ofLiteral(bare);
        return "[" + echo(bare) + "]:" + portText;
      } catch (IllegalArgumentException e) {
        // Not an IPv6 address: the IPv6 loopback with the example's port instead.
      }
    }
    return "[::1]:" + example.substring(example.lastIndexOf(':') + 1);
  }

  private static String echo(String text) {
    return text.length() <= MAX_ECHO ? text : text.substring(0, MAX_ECHO) + "…";
  }
}
