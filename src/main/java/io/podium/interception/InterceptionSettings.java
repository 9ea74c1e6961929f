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
 * address arriving on {@code interfaces} goes to {@code hostIp} (and {@code hostIp6}, when the pods
 * have IPv6) on the metadata API's port.
 *
 * @param interfaces {@code --host-interface}, at least one
 * @param hostIp {@code --host-ip}: the node's IPv4 address the agent listens on
 * @param hostIp6 {@code --host-ip6}: the node's IPv6 address; given, the IPv6 metadata address
 *     fd00:ec2::254 is intercepted too
 * @param port the metadata API's port ({@code --imds-listen})
 * @param backend {@code --iptables-backend}
 * @param checkInterval {@code --rule-check-interval}: how often the rule is checked and repaired
 * @param endpointLink the container-credentials addresses to put on a link of the node before the
 *     rule goes in; empty when that endpoint is off or listens elsewhere
 */
public record InterceptionSettings(
    List<InterfaceMatch> interfaces,
    Inet4Address hostIp,
    Optional<Inet6Address> hostIp6,
    int port,
    BackendChoice backend,
    Duration checkInterval,
    Optional<EndpointLink.Settings> endpointLink) {

  public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(10);

  /** Settings with no link for the container-credentials addresses. */
  public InterceptionSettings(
      List<InterfaceMatch> interfaces,
      Inet4Address hostIp,
      Optional<Inet6Address> hostIp6,
      int port,
      BackendChoice backend,
      Duration checkInterval) {
    this(interfaces, hostIp, hostIp6, port, backend, checkInterval, Optional.empty());
  }

  /** These settings, also putting the container-credentials addresses on a link. */
  public InterceptionSettings withEndpointLink(Optional<EndpointLink.Settings> link) {
    return new InterceptionSettings(
        interfaces, hostIp, hostIp6, port, backend, checkInterval, link);
  }

  public InterceptionSettings {
    interfaces = List.copyOf(interfaces);
    if (interfaces.isEmpty()) {
      throw new IllegalArgumentException(
          "--iptables needs --host-interface: the interfaces pods' traffic arrives on, e.g."
              + " cali+ (Calico), eni+ (AWS VPC CNI), cni0 (bridge, flannel), cbr0 (kubenet),"
              + " lxc+ (Cilium) or !eth0");
    }
    checkAddress("--host-ip", hostIp);
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
   * pods: a wildcard address (0.0.0.0 and [::] both take IPv4 and IPv6) or the host IP itself.
   */
  public static InterceptionSettings forListener(
      List<InterfaceMatch> interfaces,
      InetAddress hostIp,
      Optional<InetAddress> hostIp6,
      InetSocketAddress listen,
      BackendChoice backend,
      Duration checkInterval) {
    if (!(hostIp instanceof Inet4Address ip4)) {
      throw new IllegalArgumentException(
          "--host-ip must be an IPv4 address (the node's status.hostIP); give IPv6 as --host-ip6");
    }
    Optional<Inet6Address> ip6 = Optional.empty();
    if (hostIp6.isPresent()) {
      if (!(hostIp6.get() instanceof Inet6Address address)) {
        throw new IllegalArgumentException("--host-ip6 must be an IPv6 address");
      }
      ip6 = Optional.of(address);
    }
    InetAddress bound = listen.getAddress();
    boolean wildcard = bound.isAnyLocalAddress();
    if (!wildcard && !bound.equals(hostIp)) {
      throw new IllegalArgumentException(
          "--imds-listen "
              + IpLiterals.withPort(bound, listen.getPort())
              + " is not --host-ip "
              + IpLiterals.text(hostIp)
              + ": the rule would send pods where nothing answers; listen on 0.0.0.0:"
              + listen.getPort()
              + " or "
              + IpLiterals.withPort(hostIp, listen.getPort()));
    }
    if (ip6.isPresent() && !wildcard) {
      throw new IllegalArgumentException(
          "--host-ip6 needs --imds-listen on a wildcard address (0.0.0.0 or [::] take both IPv4"
              + " and IPv6)");
    }
    return new InterceptionSettings(interfaces, ip4, ip6, listen.getPort(), backend, checkInterval);
  }

  /** The wanted rules, one per family. */
  List<RuleSpec> specs() {
    List<RuleSpec> specs = new ArrayList<>();
    specs.add(new RuleSpec(IpFamily.IPV4, hostIp, port, interfaces));
    hostIp6.ifPresent(ip6 -> specs.add(new RuleSpec(IpFamily.IPV6, ip6, port, interfaces)));
    return specs;
  }

  /** The node's addresses the rule sends pods to: callers from them are the node itself. */
  public List<InetAddress> hostAddresses() {
    List<InetAddress> addresses = new ArrayList<>();
    addresses.add(hostIp);
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
