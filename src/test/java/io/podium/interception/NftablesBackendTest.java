package io.podium.interception;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class NftablesBackendTest {

  private static final String TABLES_WITH_PODIUM =
      """
      {"nftables": [{"metainfo": {"version": "1.0.6", "json_schema_version": 1}},
       {"table": {"family": "ip", "name": "nat", "handle": 1}},
       {"table": {"family": "ip", "name": "podium", "handle": 2}}]}
      """;

  private static final String TABLES_WITHOUT_PODIUM =
      """
      {"nftables": [{"metainfo": {"version": "1.0.6", "json_schema_version": 1}},
       {"table": {"family": "ip", "name": "nat", "handle": 1}}]}
      """;

  /** {@code nft -j list chains}: Podium's chain at {@code podium}, kube-proxy's after it. */
  private static String chains(int podium, String... others) {
    StringBuilder listing =
        new StringBuilder(
            """
            {"nftables": [{"metainfo": {"version": "1.0.6", "json_schema_version": 1}},
             {"chain": {"family": "ip", "table": "kube-proxy", "name": "nat-prerouting", "handle": 3,
                        "type": "nat", "hook": "prerouting", "prio": -100, "policy": "accept"}},
             {"chain": {"family": "ip", "table": "kube-proxy", "name": "services", "handle": 4}},
             {"chain": {"family": "ip6", "table": "other", "name": "pre", "handle": 1,
                        "type": "nat", "hook": "prerouting", "prio": -190, "policy": "accept"}},
             {"chain": {"family": "ip", "table": "filtering", "name": "pre", "handle": 1,
                        "type": "filter", "hook": "prerouting", "prio": -300, "policy": "accept"}}
            """);
    if (podium != 0) {
      listing.append(
          """
          ,{"chain": {"family": "ip", "table": "podium", "name": "metadata", "handle": 1,
                      "type": "nat", "hook": "prerouting", "prio": %d, "policy": "accept"}}
          """
              .formatted(podium));
    }
    for (String other : others) {
      listing.append(',').append(other);
    }
    return listing.append("]}").toString();
  }

  /** Another table's nat chain on prerouting. */
  private static String natChain(String family, String table, int priority) {
    return """
        {"chain": {"family": "%s", "table": "%s", "name": "pre", "handle": 1,
                   "type": "nat", "hook": "prerouting", "prio": %d, "policy": "accept"}}
        """
        .formatted(family, table, priority);
  }

  private static final RuleSpec WANTED =
      new RuleSpec(
          IpFamily.IPV4,
          InetAddress.ofLiteral("10.0.0.1"),
          8181,
          List.of(InterfaceMatch.parse("cali+"), InterfaceMatch.parse("!eth0")));

  private final FakeCommandRunner runner = new FakeCommandRunner().installed("nft");

  {
    runner.answer("nft -j list chains", chains(-110));
  }

  private final NftablesBackend backend = new NftablesBackend(runner, JsonMapper.builder().build());

  /** {@code nft -j list table ip podium} as nft 1.0.6 prints it. */
  private static String table(int priority, long caliPackets, long eth0Packets, String extraRule) {
    return """
        {"nftables": [{"metainfo": {"version": "1.0.6", "json_schema_version": 1}},
         {"table": {"family": "ip", "name": "podium", "handle": 2}},
         {"chain": {"family": "ip", "table": "podium", "name": "metadata", "handle": 1,
                    "type": "nat", "hook": "prerouting", "prio": %d, "policy": "accept"}},
         {"rule": {"family": "ip", "table": "podium", "chain": "metadata", "handle": 2, "expr": [
           {"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "cali*"}},
           {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}},
                      "right": "169.254.169.254"}},
           {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}},
                      "right": 80}},
           {"counter": {"packets": %d, "bytes": 360}},
           {"dnat": {"addr": "10.0.0.1", "port": 8181}}]}},
         {"rule": {"family": "ip", "table": "podium", "chain": "metadata", "handle": 3, "expr": [
           {"match": {"op": "!=", "left": {"meta": {"key": "iifname"}}, "right": "eth0"}},
           {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}},
                      "right": "169.254.169.254"}},
           {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}},
                      "right": 80}},
           {"counter": {"packets": %d, "bytes": 0}},
           {"dnat": {"addr": "10.0.0.1", "port": 8181}}]}}%s]}
        """
        .formatted(priority, caliPackets, eth0Packets, extraRule);
  }

  @Test
  void writesTheWholeTableInOneTransaction() {
    assertThat(NftablesBackend.script(WANTED))
        .isEqualTo(
            """
            table ip podium
            delete table ip podium
            table ip podium {
              chain metadata {
                type nat hook prerouting priority -110; policy accept;
                iifname "cali*" ip daddr 169.254.169.254 tcp dport 80 counter dnat to 10.0.0.1:8181
                iifname != "eth0" ip daddr 169.254.169.254 tcp dport 80 counter dnat to 10.0.0.1:8181
              }
            }
            """);
  }

  @Test
  void writesIpv6RulesInTheIp6Family() {
    RuleSpec ipv6 =
        new RuleSpec(
            IpFamily.IPV6,
            InetAddress.ofLiteral("fd00:10::1"),
            8181,
            List.of(InterfaceMatch.parse("cni0")));

    assertThat(NftablesBackend.script(ipv6))
        .contains("table ip6 podium {")
        .contains(
            "iifname \"cni0\" ip6 daddr fd00:ec2::254 tcp dport 80 counter dnat to"
                + " [fd00:10::1]:8181");
  }

  @Test
  void findsNothingWithoutPodiumsTableAndDoesNotListIt() {
    runner.answer("nft -j list tables ip", TABLES_WITHOUT_PODIUM);

    assertThat(backend.inspect(WANTED)).isEqualTo(new Observed.Absent());
    assertThat(runner.calls())
        .extracting(FakeCommandRunner.Call::command)
        .containsExactly("nft -j list tables ip");
  }

  @Test
  void inPlaceAddsUpTheRulesCounters() {
    runner.answer("nft -j list tables ip", TABLES_WITH_PODIUM);
    runner.answer("nft -j list table ip podium", table(-110, 6, 1, ""));

    assertThat(backend.inspect(WANTED)).isEqualTo(new Observed.InPlace(7));
  }

  @Test
  void anExtraRuleOrAnotherPriorityIsADifference() {
    String extra =
        ",{\"rule\": {\"family\": \"ip\", \"table\": \"podium\", \"chain\": \"metadata\","
            + " \"handle\": 4, \"expr\": [{\"accept\": null}]}}";
    runner.answer("nft -j list tables ip", TABLES_WITH_PODIUM);
    runner.answer("nft -j list table ip podium", table(-110, 0, 0, extra), table(-100, 0, 0, ""));

    assertThat(backend.inspect(WANTED))
        .isEqualTo(new Observed.Different("chain metadata holds 3 rules, not 2"));
    assertThat(backend.inspect(WANTED))
        .isEqualTo(new Observed.Different("Podium's chain is at priority -100, not -110"));
  }

  @Test
  void removeDeletesPodiumsTableOnly() {
    runner.answer("nft -j list tables ip", TABLES_WITH_PODIUM);
    runner.answer("nft delete table ip podium", "");

    assertThat(backend.remove(IpFamily.IPV4)).isTrue();
    assertThat(runner.calls("nft delete"))
        .singleElement()
        .extracting(FakeCommandRunner.Call::command)
        .isEqualTo("nft delete table ip podium");
  }

  @Test
  void installCreatesTheWholeTableWhenThereIsNone() {
    runner.answer("nft -j list tables ip", TABLES_WITHOUT_PODIUM);
    runner.answer("nft -f -", "");

    backend.install(WANTED);

    assertThat(runner.calls("nft -f -").getFirst().stdin())
        .isEqualTo(NftablesBackend.script(WANTED));
  }

  @Test
  void repairRefillsPodiumsChainInPlace() {
    runner.answer("nft -j list tables ip", TABLES_WITH_PODIUM);
    runner.answer("nft -j list table ip podium", table(-110, 0, 0, ""));
    runner.answer("nft -f -", "");

    backend.install(WANTED);

    assertThat(runner.calls("nft -f -").getFirst().stdin())
        .isEqualTo(
            """
            flush chain ip podium metadata
            add rule ip podium metadata iifname "cali*" ip daddr 169.254.169.254 tcp dport 80 \
            counter dnat to 10.0.0.1:8181
            add rule ip podium metadata iifname != "eth0" ip daddr 169.254.169.254 tcp dport 80 \
            counter dnat to 10.0.0.1:8181
            """);
  }

  @Test
  void repairReplacesATableSomeoneElseChanged() {
    runner.answer("nft -j list tables ip", TABLES_WITH_PODIUM);
    runner.answer("nft -j list table ip podium", table(0, 0, 0, ""));
    runner.answer("nft -f -", "");

    backend.install(WANTED);

    assertThat(runner.calls("nft -f -").getFirst().stdin())
        .isEqualTo(NftablesBackend.script(WANTED));
  }

  @Test
  void aNatChainRunningBeforePodiumsIsADifferenceAndPodiumsChainMovesAheadOfIt() {
    FakeCommandRunner intruded =
        new FakeCommandRunner()
            .installed("nft")
            .answer("nft -j list tables ip", TABLES_WITH_PODIUM)
            .answer("nft -j list table ip podium", table(-110, 0, 0, ""))
            .answer("nft -j list chains", chains(-110, natChain("inet", "intruder", -150)))
            .answer("nft -f -", "");
    NftablesBackend backend = new NftablesBackend(intruded, JsonMapper.builder().build());

    assertThat(backend.inspect(WANTED))
        .isEqualTo(
            new Observed.Different(
                "nat chain inet intruder pre (priority -150) runs before Podium's chain (priority"
                    + " -110)"));

    backend.install(WANTED);

    assertThat(intruded.calls("nft -f -").getFirst().stdin())
        .isEqualTo(NftablesBackend.script(WANTED, -151))
        .contains("type nat hook prerouting priority -151; policy accept;");
  }

  @Test
  void aChainAheadOfItInPodiumsPlaceCountsAndOneAfterItDoesNot() {
    FakeCommandRunner tied =
        new FakeCommandRunner()
            .installed("nft")
            .answer("nft -j list tables ip", TABLES_WITH_PODIUM)
            .answer("nft -j list table ip podium", table(-110, 0, 0, ""))
            .answer(
                "nft -j list chains",
                chains(-110, natChain("ip", "tie", -110)),
                chains(-110, natChain("ip", "later", -105), natChain("ip6", "v6", -180)));
    NftablesBackend backend = new NftablesBackend(tied, JsonMapper.builder().build());

    assertThat(backend.inspect(WANTED)).isInstanceOf(Observed.Different.class);
    assertThat(backend.inspect(WANTED)).isEqualTo(new Observed.InPlace(0));
  }

  @Test
  void podiumsChainGoesBackToItsPriorityOnceNothingRunsBeforeIt() {
    runner.answer("nft -j list tables ip", TABLES_WITH_PODIUM);
    runner.answer("nft -j list table ip podium", table(-151, 0, 0, ""));
    runner.answer("nft -f -", "");

    assertThat(backend.inspect(WANTED))
        .isEqualTo(
            new Observed.Different(
                "Podium's chain is at priority -151, not -110: nothing runs before it any more"));

    backend.install(WANTED);

    assertThat(runner.calls("nft -f -").getFirst().stdin())
        .isEqualTo(NftablesBackend.script(WANTED));
  }

  @Test
  void aNatChainNothingCanRunBeforeIsReportedInsteadOfFought() {
    FakeCommandRunner lowest =
        new FakeCommandRunner()
            .installed("nft")
            .answer("nft -j list tables ip", TABLES_WITH_PODIUM)
            .answer("nft -j list chains", chains(-110, natChain("ip", "first", -199)));
    NftablesBackend backend = new NftablesBackend(lowest, JsonMapper.builder().build());

    assertThatThrownBy(() -> backend.inspect(WANTED))
        .isInstanceOf(InterceptionException.class)
        .hasMessageContaining("nat chain ip first pre (priority -199) runs before Podium's")
        .hasMessageContaining("remove it");
  }

  @Test
  void withoutKeepFirstOtherChainsAreNeitherListedNorOvertaken() {
    RuleSpec kept =
        new RuleSpec(IpFamily.IPV4, WANTED.target(), WANTED.port(), WANTED.interfaces(), false);
    runner.answer("nft -j list tables ip", TABLES_WITH_PODIUM);
    runner.answer("nft -j list table ip podium", table(-110, 2, 0, ""));

    assertThat(backend.inspect(kept)).isEqualTo(new Observed.InPlace(2));
    assertThat(runner.calls("nft -j list chains")).isEmpty();
  }
}
