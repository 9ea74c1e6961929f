package io.podium.interception;

import java.util.List;

/** The scenario on one kind of iptables, with a node firewall as kube-proxy leaves it. */
abstract class IptablesScenario extends InterceptionScenario {

  private final String suffix;

  IptablesScenario(String suffix) {
    this.suffix = suffix;
  }

  /** Extra lines for the mangle table (kubelet's hint chains on some nodes). */
  abstract String mangle();

  @Override
  List<String> backendOptions() {
    return List.of();
  }

  @Override
  void prepareNodeFirewall(String node) {
    NetworkLab.execWithInput(
        node,
        "*mangle\n"
            + mangle()
            + "COMMIT\n"
            + "*nat\n"
            + ":KUBE-SERVICES - [0:0]\n"
            + ":KUBE-POSTROUTING - [0:0]\n"
            + "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n"
            + "-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n"
            + "-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\""
            + " -j KUBE-POSTROUTING\n"
            + "-A POSTROUTING -s 10.201.0.0/16 ! -d 10.201.0.0/16 -j MASQUERADE\n"
            + "-A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m tcp --dport 443 -j ACCEPT\n"
            + "COMMIT\n",
        "iptables" + suffix + "-restore");
    NetworkLab.execWithInput(
        node,
        """
        *nat
        :KUBE-SERVICES - [0:0]
        -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
        -A POSTROUTING -s fd00:201::/32 ! -d fd00:201::/32 -j MASQUERADE
        COMMIT
        """,
        "ip6tables" + suffix + "-restore");
  }

  @Override
  List<String> expectedRules() {
    String jump =
        " -p tcp -m tcp --dport 80 -m comment --comment \"podium: pod metadata traffic to the"
            + " agent\" -j PODIUM-METADATA";
    String dnat = " -p tcp -m tcp --dport 80 -j DNAT --to-destination ";
    return List.of(
        "-A PREROUTING -d 169.254.169.254/32" + jump,
        "-A PODIUM-METADATA -d 169.254.169.254/32 -i cni0" + dnat + "10.201.0.1:8181",
        "-A PODIUM-METADATA -d 169.254.169.254/32 -i cali+" + dnat + "10.201.0.1:8181",
        "-A PREROUTING -d fd00:ec2::254/128" + jump,
        "-A PODIUM-METADATA -d fd00:ec2::254/128 -i cni0" + dnat + "[fd00:201::1]:8181",
        "-A PODIUM-METADATA -d fd00:ec2::254/128 -i cali+" + dnat + "[fd00:201::1]:8181");
  }

  @Override
  void tamper(String node) {
    NetworkLab.exec(node, "iptables" + suffix, "-t", "nat", "-F", IptablesBackend.CHAIN);
  }

  private static final String ACCEPT = "-d 169.254.169.254/32 -p tcp -m tcp --dport 80 -j ACCEPT";

  @Override
  void intrude(String node) {
    NetworkLab.exec(
        node,
        "iptables" + suffix,
        "-t",
        "nat",
        "-I",
        "PREROUTING",
        "1",
        "-d",
        "169.254.169.254/32",
        "-p",
        "tcp",
        "-m",
        "tcp",
        "--dport",
        "80",
        "-j",
        "ACCEPT");
  }

  @Override
  String intrusion() {
    return "the jump from PREROUTING is not first: 1 rule comes before it [" + ACCEPT + "]";
  }

  @Override
  void removeIntruder(String node) {
    NetworkLab.exec(
        node,
        "iptables" + suffix,
        "-t",
        "nat",
        "-D",
        "PREROUTING",
        "-d",
        "169.254.169.254/32",
        "-p",
        "tcp",
        "-m",
        "tcp",
        "--dport",
        "80",
        "-j",
        "ACCEPT");
  }

  @Override
  long matchedPackets(String node, IpFamily family) {
    String save = NetworkLab.exec(node, family.iptables() + suffix + "-save", "-t", "nat", "-c");
    return IptablesSave.parse(save).table("nat").rulesOf(IptablesBackend.CHAIN).stream()
        .mapToLong(IptablesSave.Rule::packets)
        .sum();
  }
}
