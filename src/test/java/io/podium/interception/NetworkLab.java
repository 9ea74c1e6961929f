package io.podium.interception;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node and its pods in network namespaces, for end-to-end tests of the interception rule:
 *
 * <ul>
 *   <li>the "node": a bridge {@code cni0} ({@value #BRIDGE_IP}, {@value #BRIDGE_IP6}), the metadata
 *       addresses 169.254.169.254 and fd00:ec2::254 on {@code lo}, and no route out;
 *   <li>pods {@code web} and {@code worker} on veths in the bridge (a bridge CNI: flannel,
 *       kubenet), with default routes via the bridge;
 *   <li>pod {@code batch} on a routed veth {@code cali3} (Calico's model: no bridge, a host route
 *       per pod, the pod's default route straight out of its {@code eth0}).
 * </ul>
 *
 * Every command runs inside these namespaces; the host's own namespace is never changed, and
 * nothing in these namespaces can reach it. Names carry the test JVM's PID: a run that crashed
 * leaves namespaces whose PID is gone, and the next run removes them (and ends the processes still
 * in them, ours by construction) before it builds its own.
 */
final class NetworkLab implements AutoCloseable {

  static final String PREFIX = "podium-it-";
  static final String BRIDGE_IP = "10.201.0.1";
  static final String BRIDGE_IP6 = "fd00:201::1";

  /** One pod namespace and its addresses. */
  record Pod(String name, String namespace, String ip, String ip6) {}

  private static final Pattern OURS = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-.*");

  private final String node;
  private final boolean ipv4;
  private final List<Pod> pods;
  private final List<String> namespaces = new ArrayList<>();

  private NetworkLab(String label, boolean ipv4) {
    String base = PREFIX + ProcessHandle.current().pid() + "-" + label + "-";
    node = base + "node";
    this.ipv4 = ipv4;
    pods =
        List.of(
            new Pod("web", base + "web", ipv4 ? "10.201.0.11" : null, "fd00:201::11"),
            new Pod("worker", base + "worker", ipv4 ? "10.201.0.12" : null, "fd00:201::12"),
            new Pod("batch", base + "batch", ipv4 ? "10.201.1.13" : null, "fd00:201:1::13"));
  }

  /** Removes what crashed runs left, then builds the node and its pods. */
  static NetworkLab create(String label) {
    return create(label, true);
  }

  /**
   * The same lab on an IPv6-only node: no IPv4 address on the bridge or in the pods (their {@link
   * Pod#ip()} is {@code null}); the node keeps 169.254.169.254 on {@code lo} for its own callers.
   */
  static NetworkLab createIpv6Only(String label) {
    return create(label, false);
  }

  private static NetworkLab create(String label, boolean ipv4) {
    removeStale();
    NetworkLab lab = new NetworkLab(label, ipv4);
    try {
      lab.build();
      return lab;
    } catch (RuntimeException | Error e) {
      lab.close();
      throw e;
    }
  }

  String node() {
    return node;
  }

  List<Pod> pods() {
    return pods;
  }

  Pod pod(String name) {
    return pods.stream().filter(pod -> pod.name().equals(name)).findFirst().orElseThrow();
  }

  /** The command prefix that runs a program inside {@code namespace}. */
  static List<String> inside(String namespace) {
    return List.of(program("ip"), "netns", "exec", namespace);
  }

  /** Runs {@code command} inside {@code namespace} and returns its stdout; fails on error. */
  static String exec(String namespace, String... command) {
    return execWithInput(namespace, "", command);
  }

  /** Same, with {@code stdin}. */
  static String execWithInput(String namespace, String stdin, String... command) {
    List<String> full = new ArrayList<>(inside(namespace));
    full.add(program(command[0]));
    full.addAll(List.of(command).subList(1, command.length));
    return run(full, stdin);
  }

  private void build() {
    addNamespace(node);
    exec(node, "ip", "link", "set", "lo", "up");
    exec(node, "ip", "addr", "add", "169.254.169.254/32", "dev", "lo");
    exec(node, "ip", "addr", "add", "fd00:ec2::254/128", "dev", "lo", "nodad");
    exec(node, "ip", "link", "add", "cni0", "type", "bridge");
    if (ipv4) {
      exec(node, "ip", "addr", "add", BRIDGE_IP + "/24", "dev", "cni0");
    }
    exec(node, "ip", "addr", "add", BRIDGE_IP6 + "/64", "dev", "cni0", "nodad");
    exec(node, "ip", "link", "set", "cni0", "up");
    int index = 1;
    for (Pod pod : pods) {
      addNamespace(pod.namespace());
      exec(pod.namespace(), "ip", "link", "set", "lo", "up");
      boolean routed = pod.name().equals("batch");
      String hostSide = (routed ? "cali" : "veth") + index++;
      // Created inside the node with its peer inside the pod: no interface ever exists in the
      // host's namespace, even for an instant.
      exec(
          node,
          "ip",
          "link",
          "add",
          hostSide,
          "type",
          "veth",
          "peer",
          "name",
          "eth0",
          "netns",
          pod.namespace());
      if (routed) {
        exec(node, "ip", "addr", "add", "fe80::1/64", "dev", hostSide, "nodad");
        exec(node, "ip", "link", "set", hostSide, "up");
        if (ipv4) {
          exec(node, "ip", "route", "add", pod.ip() + "/32", "dev", hostSide);
        }
        exec(node, "ip", "-6", "route", "add", pod.ip6() + "/128", "dev", hostSide);
        if (ipv4) {
          exec(pod.namespace(), "ip", "addr", "add", pod.ip() + "/32", "dev", "eth0");
        }
        exec(pod.namespace(), "ip", "addr", "add", pod.ip6() + "/128", "dev", "eth0", "nodad");
        exec(pod.namespace(), "ip", "link", "set", "eth0", "up");
        if (ipv4) {
          exec(pod.namespace(), "ip", "route", "add", "default", "dev", "eth0");
        }
        exec(
            pod.namespace(),
            "ip",
            "-6",
            "route",
            "add",
            "default",
            "via",
            "fe80::1",
            "dev",
            "eth0");
      } else {
        exec(node, "ip", "link", "set", hostSide, "master", "cni0");
        exec(node, "ip", "link", "set", hostSide, "up");
        if (ipv4) {
          exec(pod.namespace(), "ip", "addr", "add", pod.ip() + "/24", "dev", "eth0");
        }
        exec(pod.namespace(), "ip", "addr", "add", pod.ip6() + "/64", "dev", "eth0", "nodad");
        exec(pod.namespace(), "ip", "link", "set", "eth0", "up");
        if (ipv4) {
          exec(pod.namespace(), "ip", "route", "add", "default", "via", BRIDGE_IP);
        }
        exec(pod.namespace(), "ip", "-6", "route", "add", "default", "via", BRIDGE_IP6);
      }
    }
    checkIsolation();
  }

  /** The promises above, checked before any client runs. */
  private void checkIsolation() {
    String nodeRoutes = exec(node, "ip", "route", "show", "default");
    String nodeRoutes6 = exec(node, "ip", "-6", "route", "show", "default");
    if (!nodeRoutes.isBlank() || !nodeRoutes6.isBlank()) {
      throw new IllegalStateException("the node namespace has a route out: " + nodeRoutes);
    }
    for (Pod pod : pods) {
      String route6 = exec(pod.namespace(), "ip", "-6", "route", "get", "fd00:ec2::254");
      if (!route6.contains("dev eth0")) {
        throw new IllegalStateException(pod.name() + " would not reach the node: " + route6);
      }
      if (ipv4) {
        String route = exec(pod.namespace(), "ip", "route", "get", "169.254.169.254");
        if (!route.contains("dev eth0")) {
          throw new IllegalStateException(pod.name() + " would not reach the node: " + route);
        }
      } else if (!exec(pod.namespace(), "ip", "-4", "addr", "show", "dev", "eth0").isBlank()) {
        throw new IllegalStateException(pod.name() + " has an IPv4 address on an IPv6-only node");
      }
      String links = exec(pod.namespace(), "ip", "-o", "link", "show");
      if (links.lines().count() != 2) {
        throw new IllegalStateException(pod.name() + " has other links: " + links);
      }
    }
  }

  private void addNamespace(String name) {
    run(List.of(program("ip"), "netns", "add", name), "");
    namespaces.add(name);
  }

  /** Deletes the namespaces (their interfaces, addresses and rules go with them). */
  @Override
  public void close() {
    for (String namespace : namespaces.reversed()) {
      remove(namespace);
    }
    namespaces.clear();
  }

  private static void removeStale() {
    for (String line : run(List.of(program("ip"), "netns", "list"), "").lines().toList()) {
      String name = line.split(" ", 2)[0];
      Matcher ours = OURS.matcher(name);
      if (ours.matches() && ProcessHandle.of(Long.parseLong(ours.group(1))).isEmpty()) {
        remove(name);
      }
    }
  }

  private static void remove(String namespace) {
    // Processes a crashed run left inside: ours, ended by their PIDs.
    String pids = tryRun(List.of(program("ip"), "netns", "pids", namespace)).orElse("");
    for (String pid : pids.lines().map(String::strip).filter(p -> !p.isEmpty()).toList()) {
      ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
    }
    tryRun(List.of(program("ip"), "netns", "del", namespace));
  }

  /** {@code name}'s absolute path, from PATH or the system directories. */
  static String program(String name) {
    List<String> directories = new ArrayList<>();
    for (String directory : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!directory.isBlank()) {
        directories.add(directory);
      }
    }
    directories.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
    for (String directory : directories) {
      Path candidate = Path.of(directory, name);
      if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
        return candidate.toString();
      }
    }
    throw new IllegalStateException(name + " is not installed (.ci/run installs it)");
  }

  private static Optional<String> tryRun(List<String> command) {
    try {
      return Optional.of(run(command, ""));
    } catch (IllegalStateException e) {
      return Optional.empty();
    }
  }

  private static String run(List<String> command, String stdin) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      try (var in = process.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("timed out: " + command);
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", command) + " failed (" + process.exitValue() + "): " + output);
      }
      return output;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + command, e);
    }
  }
}
