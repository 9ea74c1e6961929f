package io.podium.interception;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the interception rule must do on this node, validated: pods' TCP traffic for the metadata
 * address arriving on {@code interfaces} goes to the node's address of the same family ({@code
 * hostIp} for 169.254.169.254, {@code hostIp6} for fd00:ec2::254) on the metadata API's port. A
 * node has at least one: IPv4, IPv6 (an IPv6-only node), or both.
 *
 * @param interfaces {@code --host-interface}, at least one
 * @param hostIp the node's IPv4 address the agent listens on ({@code --host-ip}); empty on an
 *     IPv6-only node, whose pods have no IPv4 to reach 169.254.169.254 with
 * @param hostIp6 the node's IPv6 address ({@code --host-ip6}, or an IPv6 {@code --host-ip}); given,
 *     the IPv6 metadata address fd00:ec2::254 is intercepted too
 * @param port the metadata API's port ({@code --imds-listen})
 * @param backend {@code --iptables-backend}
 * @param checkInterval {@code --rule-check-interval}: how often the rule is checked and repaired
 * @param keepJumpFirst {@code --keep-jump-first}: whether the rule is also kept first on the
 *     prerouting hook, moved back when something else is put before it
 * @param endpointLink the container-credentials addresses to put on a link of the node before the
 *     rule goes in; empty when that endpoint is off or listens elsewhere
 */
public record InterceptionSettings(
    List<InterfaceMatch> interfaces,
    Optional<Inet4Address> hostIp,
    Optional<Inet6Address> hostIp6,
    int port,
    BackendChoice backend,
    Duration checkInterval,
    boolean keepJumpFirst,
    Optional<EndpointLink.Settings> endpointLink) {

  public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(10);

  /** Settings with no link for the container-credentials addresses. */
  public InterceptionSettings(
      List<InterfaceMatch> interfaces,
      Optional<Inet4Address> hostIp,
      Optional<Inet6Address> hostIp6,
      int port,
      BackendChoice backend,
      Duration checkInterval,
      boolean keepJumpFirst) {
    this(
        interfaces, hostIp, hostIp6, port, backend, checkInterval, keepJumpFirst, Optional.empty());
  }

  /** These settings, also putting the container-credentials addresses on a link. */
  public InterceptionSettings withEndpointLink(Optional<EndpointLink.Settings> link) {
    return new InterceptionSettings(
        interfaces, hostIp, hostIp6, port, backend, checkInterval, keepJumpFirst, link);
  }

  public InterceptionSettings {
    interfaces = List.copyOf(interfaces);
    if (interfaces.isEmpty()) {
      throw new IllegalArgumentException(
          "--iptables needs --host-interface: the interfaces pods' traffic arrives on, e.g."
              + " cali+ (Calico), eni+ (AWS VPC CNI), cni0 (bridge, flannel), cbr0 (kubenet),"
              + " lxc+ (Cilium) or !eth0");
    }
    if (hostIp.isEmpty() && hostIp6.isEmpty()) {
      throw new IllegalArgumentException(
          "--iptables needs --host-ip: the node's address (status.hostIP through the downward"
              + " API), IPv4 or, on an IPv6-only node, IPv6");
    }
    hostIp.ifPresent(address -> checkAddress("--host-ip", address));
    hostIp6.ifPresent(address -> checkAddress("--host-ip6", address));
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("the metadata API's port must be 1-65535, got " + port);
    }
    if (checkInterval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException(
          "--rule-check-interval must be at least 1s, got " + checkInterval);
    }
  }

  /**
   * Settings for a metadata API listening on {@code listen}, which must be where the rule sends
   * pods: a wildcard address (0.0.0.0 and [::] both take IPv4 and IPv6) or the node's one address.
   *
   * @param hostIp {@code --host-ip}: IPv4, or IPv6 on an IPv6-only node (status.hostIP is then
   *     IPv6)
   * @param hostIp6 {@code --host-ip6}: the node's IPv6 address beside an IPv4 {@code --host-ip}
   */
  public static InterceptionSettings forListener(
      List<InterfaceMatch> interfaces,
      Optional<InetAddress> hostIp,
      Optional<InetAddress> hostIp6,
      InetSocketAddress listen,
      BackendChoice backend,
      Duration checkInterval,
      boolean keepJumpFirst) {
    hostIp.ifPresent(address -> checkAddress("--host-ip", address));
    hostIp6.ifPresent(address -> checkAddress("--host-ip6", address));
    Optional<Inet4Address> ip4 = Optional.empty();
    Optional<Inet6Address> ip6 = Optional.empty();
    if (hostIp6.isPresent()) {
      if (!(hostIp6.get() instanceof Inet6Address address)) {
        throw new IllegalArgumentException(
            "--host-ip6 must be an IPv6 address; give the IPv4 address as --host-ip");
      }
      ip6 = Optional.of(address);
    }
    if (hostIp.isPresent() && hostIp.get() instanceof Inet4Address address) {
      ip4 = Optional.of(address);
    } else if (hostIp.isPresent() && hostIp.get() instanceof Inet6Address address) {
      // status.hostIP of an IPv6-only node: the IPv6 rule, and no IPv4 one.
      if (ip6.isPresent() && !ip6.get().equals(address)) {
        throw new IllegalArgumentException(
            "--host-ip "
                + IpLiterals.text(address)
                + " and --host-ip6 "
                + IpLiterals.text(ip6.get())
                + " are two IPv6 addresses: give the node's IPv6 address once");
      }
      ip6 = Optional.of(address);
    }
    InetAddress bound = listen.getAddress();
    boolean wildcard = bound.isAnyLocalAddress();
    if (!wildcard) {
      List<InetAddress> addresses = new ArrayList<>();
      ip4.ifPresent(addresses::add);
      ip6.ifPresent(addresses::add);
      if (addresses.size() > 1) {
        throw new IllegalArgumentException(
            "--host-ip6 needs --imds-listen on a wildcard address (0.0.0.0 or [::] take both"
                + " IPv4 and IPv6)");
      }
      if (addresses.size() == 1 && !bound.equals(addresses.getFirst())) {
        InetAddress node = addresses.getFirst();
        throw new IllegalArgumentException(
            "--imds-listen "
                + IpLiterals.withPort(bound, listen.getPort())
                + " is not --host-ip "
                + IpLiterals.text(node)
                + ": the rule would send pods where nothing answers; listen on "
                + (node instanceof Inet6Address ? "[::]:" : "0.0.0.0:")
                + listen.getPort()
                + " or "
                + IpLiterals.withPort(node, listen.getPort()));
      }
    }
    return new InterceptionSettings(
        interfaces, ip4, ip6, listen.getPort(), backend, checkInterval, keepJumpFirst);
  }

  /** The wanted rules, one per family. */
  List<RuleSpec> specs() {
    List<RuleSpec> specs = new ArrayList<>();
    hostIp.ifPresent(
        ip -> specs.add(new RuleSpec(IpFamily.IPV4, ip, port, interfaces, keepJumpFirst)));
    hostIp6.ifPresent(
        ip6 -> specs.add(new RuleSpec(IpFamily.IPV6, ip6, port, interfaces, keepJumpFirst)));
    return specs;
  }

  /** The node's addresses the rule sends pods to: callers from them are the node itself. */
  public List<InetAddress> hostAddresses() {
    List<InetAddress> addresses = new ArrayList<>();
    hostIp.ifPresent(addresses::add);
    hostIp6.ifPresent(addresses::add);
    return addresses;
  }

  private static void checkAddress(String option, InetAddress address) {
    if (address.isLoopbackAddress()) {
      // The kernel drops packets from a pod interface DNAT'ed to loopback (martians).
      throw new IllegalArgumentException(
          option
              + " "
              + IpLiterals.text(address)
              + " is loopback, which pods cannot be sent to: give the node's own address"
              + " (status.hostIP through the downward API)");
    }
    if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
      throw new IllegalArgumentException(
          option + " " + IpLiterals.text(address) + " is not a node's unicast address");
    }
    for (IpFamily family : IpFamily.values()) {
      if (family.metadataAddress().equals(address)) {
        throw new IllegalArgumentException(
            option + " must be the node's own address, not the metadata address itself");
      }
    }
  }
}
