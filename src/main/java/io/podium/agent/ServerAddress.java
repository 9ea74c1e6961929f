package io.podium.agent;

/**
 * One {@code --server HOST:PORT}: a name the agent resolves to every address it has (a headless
 * service resolves to each replica), and the name the servers' certificates must carry.
 */
public record ServerAddress(String host, int port) {

  public ServerAddress {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("--server needs a host, e.g. podium-server.podium:8443");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("--server port must be in 1..65535, not " + port);
    }
  }

  /**
   * Parses {@code HOST:PORT} ({@code [::1]:8443} for IPv6).
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static ServerAddress parse(String text) {
    String value = text == null ? "" : text.strip();
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new IllegalArgumentException(
          "--server '" + value + "' is not HOST:PORT, e.g. podium-server.podium:8443");
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException(
          "--server '" + value + "': write IPv6 addresses in brackets, e.g. [fd00::1]:8443");
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--server '" + value + "': the port is not a number", e);
    }
    return new ServerAddress(host, port);
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
