package io.podium.cli;

import static io.podium.cli.OptionErrors.invalid;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The addresses one command will listen on, checked before anything starts: no two of its own
 * listeners on one port, and each one free now. A port taken by another process is then one line
 * that names the flag, before any part has started; the listeners' own bind errors still name it
 * when another process wins the race.
 */
final class Listeners {

  private final CommandSpec command;
  private final Map<String, InetSocketAddress> byFlag = new LinkedHashMap<>();

  Listeners(CommandSpec command) {
    this.command = command;
  }

  Listeners add(String flag, InetSocketAddress address) {
    byFlag.put(flag, address);
    return this;
  }

  Listeners add(String flag, Optional<InetSocketAddress> address) {
    address.ifPresent(value -> add(flag, value));
    return this;
  }

  /**
   * @throws ParameterException naming the flag whose address cannot be listened on, and why
   */
  void check() {
    List<Map.Entry<String, InetSocketAddress>> entries = new ArrayList<>(byFlag.entrySet());
    for (int i = 0; i < entries.size(); i++) {
      for (int j = i + 1; j < entries.size(); j++) {
        InetSocketAddress a = entries.get(i).getValue();
        InetSocketAddress b = entries.get(j).getValue();
        if (a.getPort() != 0 && a.getPort() == b.getPort() && overlap(a, b)) {
          throw invalid(
              command,
              entries.get(i).getKey()
                  + " and "
                  + entries.get(j).getKey()
                  + " both listen on port "
                  + a.getPort()
                  + ": give one of them another port");
        }
      }
    }
    for (Map.Entry<String, InetSocketAddress> entry : entries) {
      free(entry.getKey(), entry.getValue());
    }
  }

  private static boolean overlap(InetSocketAddress a, InetSocketAddress b) {
    return a.getAddress().isAnyLocalAddress()
        || b.getAddress().isAnyLocalAddress()
        || a.getAddress().equals(b.getAddress());
  }

  private void free(String flag, InetSocketAddress address) {
    if (address.getPort() == 0) {
      return;
    }
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(address);
    } catch (BindException e) {
      String reason = e.getMessage() == null ? "" : e.getMessage();
      String what;
      if (reason.contains("in use")) {
        what =
            "is in use: another process listens there; stop it, or give " + flag + " another port";
      } else if (reason.contains("Permission denied") || reason.contains("Access denied")) {
        what =
            "cannot be listened on: ports below 1024 need root or CAP_NET_BIND_SERVICE; give "
                + flag
                + " a higher port";
      } else if (reason.contains("assign requested address")) {
        what =
            "cannot be listened on: no interface of this machine has the address "
                + address.getAddress().getHostAddress();
      } else {
        what = "cannot be listened on: " + reason;
      }
      throw invalid(command, flag + " " + HostPortText.of(address) + " " + what);
    } catch (IOException e) {
      throw invalid(
          command, flag + " " + HostPortText.of(address) + " cannot be listened on: " + e);
    }
  }

  /** An address as the flags write it: 127.0.0.1:8181, [::1]:8181. */
  static final class HostPortText {
    private HostPortText() {}

    static String of(InetSocketAddress address) {
      String host = address.getAddress().getHostAddress();
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }
  }
}
