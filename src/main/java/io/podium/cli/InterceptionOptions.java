package io.podium.cli;

import static io.podium.cli.OptionErrors.invalid;

import io.podium.interception.BackendChoice;
import io.podium.interception.EndpointLink;
import io.podium.interception.InterceptionSettings;
import io.podium.interception.InterfaceMatch;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options of the interception rule that sends pods' metadata traffic to the agent, mixed into
 * the commands that run on a node ({@code podium standalone}, {@code podium agent}) — never into
 * {@code podium dev}, which must not touch the host's rules.
 */
final class InterceptionOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(
      names = "--iptables",
      description =
          "Install the rule that sends pods' TCP traffic for 169.254.169.254:80 (and"
              + " [fd00:ec2::254]:80 with an IPv6 address) arriving on --host-interface to --host-ip"
              + " and the port of --imds-listen; check and repair it every --rule-check-interval."
              + " The rule stays when Podium stops (pods are then refused, never given the node's"
              + " credentials); only --cleanup removes it. Needs NET_ADMIN and the host network.")
  boolean iptables;

  @Option(
      names = "--host-interface",
      paramLabel = "IFACE",
      split = ",",
      description =
          "Interface pods' traffic arrives on (repeatable, or comma-separated): a name (cni0,"
              + " cbr0), a prefix with + (cali+ for Calico, eni+ for the AWS VPC CNI, lxc+ for"
              + " Cilium, veth+), or ! and a name for every interface but that one (!eth0).")
  List<String> hostInterfaces = new ArrayList<>();

  @Option(
      names = "--host-ip",
      paramLabel = "IP",
      description =
          "The node's address, where the rule sends pods (the pod's status.hostIP through the"
              + " downward API): IPv4, or IPv6 on an IPv6-only node (then only fd00:ec2::254 is"
              + " intercepted, with ip6tables or nft's ip6 family).")
  String hostIp;

  @Option(
      names = "--host-ip6",
      paramLabel = "IP6",
      description =
          "The node's IPv6 address beside an IPv4 --host-ip (dual-stack nodes); given, pods'"
              + " traffic for the IPv6 metadata address fd00:ec2::254 is sent there too."
              + " --imds-listen must then be a wildcard address.")
  String hostIp6;

  @Option(
      names = "--iptables-backend",
      paramLabel = "auto|legacy|nft|nftables",
      defaultValue = "auto",
      description =
          "Where the rule goes: legacy (iptables-legacy), nft (iptables-nft), nftables (nft's"
              + " own podium tables, for nodes without iptables), or auto: the kind the node's"
              + " kubelet and kube-proxy already use (default: ${DEFAULT-VALUE}).")
  BackendChoice backend;

  @Option(
      names = "--rule-check-interval",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description =
          "How often the rule is checked, and rewritten when it is missing or changed (default:"
              + " ${DEFAULT-VALUE}).")
  Duration checkInterval;

  @Option(
      names = "--keep-jump-first",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Keep the rule first on the prerouting hook: the jump into Podium's chain at the top of"
              + " PREROUTING (nftables: Podium's chain before every other nat chain), moved back"
              + " at the next check when another rule is put before it, since a rule ahead of it"
              + " could send pods to the node's own credentials. --no-keep-jump-first inserts it"
              + " first when missing and then leaves it where it is: for Calico's iptables"
              + " dataplane, whose Felix keeps its own jump first too (default: ${DEFAULT-VALUE}).")
  boolean keepJumpFirst;

  @Option(
      names = "--container-credentials-link",
      paramLabel = "IFACE",
      defaultValue = EndpointLink.DEFAULT_DEVICE,
      description =
          "With --iptables, --install-rules-only and --cleanup: the link that holds the"
              + " container-credentials addresses of --container-credentials-listen (169.254.170.23,"
              + " fd00:ec2::23), a dummy link created when missing (default: ${DEFAULT-VALUE}), or"
              + " an existing interface such as lo, which is only given the addresses.")
  String endpointLink;

  @Option(
      names = "--install-rules-only",
      description =
          "Install (or verify) the rule and exit 0, for a DaemonSet init container, so that the"
              + " rule is in place before the node's pods start. Implies --iptables.")
  boolean installRulesOnly;

  @Option(
      names = "--cleanup",
      description =
          "Remove exactly what Podium installed (its chain and jump, or its nftables tables, in"
              + " both families; with --iptables-backend auto from every backend) and exit.")
  boolean cleanup;

  /** Whether the command runs once to manage the rule instead of serving. */
  boolean runsOnce() {
    return installRulesOnly || cleanup;
  }

  /**
   * The validated settings, or empty when the rule is not managed.
   *
   * @param listen where the metadata API listens ({@code --imds-listen})
   * @throws ParameterException when an option is missing or invalid, saying what to fix
   */
  Optional<InterceptionSettings> settings(InetSocketAddress listen) {
    checkExclusive();
    if (!iptables && !installRulesOnly) {
      if (!hostInterfaces.isEmpty() || hostIp != null || hostIp6 != null) {
        throw invalid(
            command,
            "--host-interface, --host-ip and --host-ip6 take effect with --iptables only: add"
                + " --iptables");
      }
      return Optional.empty();
    }
    if (hostIp == null && hostIp6 == null) {
      throw invalid(
          command,
          "--iptables needs --host-ip: the node's address, e.g. from the downward API's"
              + " status.hostIP (IPv4, or IPv6 on an IPv6-only node)");
    }
    try {
      List<InterfaceMatch> interfaces =
          hostInterfaces.stream()
              .filter(text -> !text.isBlank())
              .map(InterfaceMatch::parse)
              .toList();
      return Optional.of(
          InterceptionSettings.forListener(
              interfaces,
              Optional.ofNullable(hostIp).map(text -> address("--host-ip", text)),
              Optional.ofNullable(hostIp6).map(text -> address("--host-ip6", text)),
              listen,
              backend,
              checkInterval,
              keepJumpFirst));
    } catch (IllegalArgumentException e) {
      throw invalid(command, e);
    }
  }

  /**
   * Whether this process keeps, installs or removes the node's rule, and with it EKS Pod Identity's
   * addresses on a link of the node.
   */
  boolean managesTheNode() {
    return iptables || installRulesOnly || cleanup;
  }

  /**
   * The link for the container-credentials addresses among {@code listen}, when the rule is managed
   * and any of them must be the node's own (EKS Pod Identity's addresses).
   */
  Optional<EndpointLink.Settings> endpointLink(List<InetSocketAddress> listen) {
    if (!iptables && !installRulesOnly && !cleanup) {
      return Optional.empty();
    }
    List<InetAddress> needed =
        EndpointLink.needed(listen.stream().map(InetSocketAddress::getAddress).toList());
    if (needed.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new EndpointLink.Settings(endpointLink.strip(), needed));
    } catch (IllegalArgumentException e) {
      throw invalid(command, e);
    }
  }

  /**
   * @throws ParameterException when both one-shot modes are asked for
   */
  void checkExclusive() {
    if (installRulesOnly && cleanup) {
      throw invalid(command, "--install-rules-only and --cleanup exclude each other: choose one");
    }
  }

  private InetAddress address(String option, String text) {
    try {
      return InetAddress.ofLiteral(text.strip());
    } catch (IllegalArgumentException e) {
      throw invalid(command, option + " '" + text + "' is not an IP address");
    }
  }
}
