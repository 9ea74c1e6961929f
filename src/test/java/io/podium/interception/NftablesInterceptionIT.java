package io.podium.interception;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The scenario on native nftables: Podium's own tables beside the node's nft NAT table. */
class NftablesInterceptionIT extends InterceptionScenario {

  private static final Pattern PACKETS = Pattern.compile("counter packets (\\d+)");

  @Override
  String label() {
    return "nftables";
  }

  @Override
  String backendName() {
    return "nftables";
  }

  @Override
  String detectionReason() {
    return "chosen with --iptables-backend nftables";
  }

  @Override
  List<String> backendOptions() {
    return List.of("--iptables-backend", "nftables");
  }

  @Override
  void prepareNodeFirewall(String node) {
    NetworkLab.execWithInput(
        node,
        """
        table ip node-nat {
          chain postrouting {
            type nat hook postrouting priority srcnat; policy accept;
            ip saddr 10.201.0.0/16 ip daddr != 10.201.0.0/16 masquerade
          }
        }
        table ip6 node-nat {
          chain postrouting {
            type nat hook postrouting priority srcnat; policy accept;
            ip6 saddr fd00:201::/32 ip6 daddr != fd00:201::/32 masquerade
          }
        }
        """,
        "nft",
        "-f",
        "-");
  }

  @Override
  List<String> expectedRules() {
    String tail = " tcp dport 80 counter dnat to ";
    return List.of(
        "table ip podium {",
        "type nat hook prerouting priority dstnat - 10; policy accept;",
        "iifname \"cni0\" ip daddr 169.254.169.254" + tail + "10.201.0.1:8181",
        "iifname \"cali*\" ip daddr 169.254.169.254" + tail + "10.201.0.1:8181",
        "table ip6 podium {",
        "iifname \"cni0\" ip6 daddr fd00:ec2::254" + tail + "[fd00:201::1]:8181",
        "iifname \"cali*\" ip6 daddr fd00:ec2::254" + tail + "[fd00:201::1]:8181");
  }

  @Override
  void tamper(String node) {
    NetworkLab.exec(
        node, "nft", "flush", "chain", "ip", NftablesBackend.TABLE, NftablesBackend.CHAIN);
  }

  @Override
  void intrude(String node) {
    NetworkLab.execWithInput(
        node,
        """
        table ip intruder {
          chain pre {
            type nat hook prerouting priority -150; policy accept;
            ip daddr 169.254.169.254 tcp dport 80 dnat to 169.254.169.254:80
          }
        }
        """,
        "nft",
        "-f",
        "-");
  }

  @Override
  String intrusion() {
    return "nat chain ip intruder pre (priority -150) runs before Podium's chain (priority -110)";
  }

  @Override
  void removeIntruder(String node) {
    NetworkLab.exec(node, "nft", "delete", "table", "ip", "intruder");
  }

  @Override
  long matchedPackets(String node, IpFamily family) {
    Matcher counters =
        PACKETS.matcher(
            NetworkLab.exec(
                node, "nft", "list", "table", family.nftFamily(), NftablesBackend.TABLE));
    long packets = 0;
    while (counters.find()) {
      packets += Long.parseLong(counters.group(1));
    }
    return packets;
  }
}
