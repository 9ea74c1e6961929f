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

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
