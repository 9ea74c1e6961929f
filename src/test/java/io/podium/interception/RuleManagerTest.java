package io.podium.interception;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podium.testing.LogCapture;
import io.podium.testing.ManualScheduler;
import io.podium.testing.MutableClock;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RuleManagerTest {

  private static final Duration INTERVAL = Duration.ofSeconds(10);
  private static final String CONNTRACK_LIST4 =
      "conntrack -L -f ipv4 -p tcp --orig-dst 169.254.169.254 --dport 80 --reply-src"
          + " 169.254.169.254";
  private static final String CONNTRACK_LIST6 =
      "conntrack -L -f ipv6 -p tcp --orig-dst fd00:ec2::254 --dport 80 --reply-src fd00:ec2::254";

  @RegisterExtension final LogCapture logs = new LogCapture();

  private final List<InterfaceMatch> interfaces = List.of(InterfaceMatch.parse("cali+"));
  private final RuleSpec ipv4 =
      new RuleSpec(IpFamily.IPV4, InetAddress.ofLiteral("10.0.0.1"), 8181, interfaces);
  private final RuleSpec ipv6 =
      new RuleSpec(IpFamily.IPV6, InetAddress.ofLiteral("fd00::1"), 8181, interfaces);
  private final FakeRuleBackend backend = new FakeRuleBackend();
  private final FakeCommandRunner conntrack =
      new FakeCommandRunner()
          .installed("conntrack")
          .answer(
              CONNTRACK_LIST4,
              new CommandRunner.Result(
                  0,
                  "tcp 6 431999 ESTABLISHED src=10.0.0.7 dst=169.254.169.254 sport=4000 dport=80"
                      + " src=169.254.169.254 dst=10.0.0.7 sport=80 dport=4000 [ASSURED]\n",
                  ""),
              new CommandRunner.Result(0, "", ""))
          .answer(CONNTRACK_LIST6, "")
          .answer(
              "conntrack -D -f ipv4 -p tcp --orig-dst 169.254.169.254 --dport 80 --reply-src"
                  + " 169.254.169.254",
              "");
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final ManualScheduler scheduler =
      new ManualScheduler(new MutableClock(Instant.parse("2026-01-01T00:00:00Z")));
  private volatile List<NetworkLinks.Link> links =
      List.of(
          new NetworkLinks.Link("eth0", false, null), new NetworkLinks.Link("cali1", false, null));
  private final PodTraffic traffic = new PodTraffic();
  private final RuleManager manager =
      new RuleManager(
          List.of(ipv4, ipv6),
          backend,
          new ConntrackFlusher(conntrack),
          new InterceptionMetrics(registry, List.of(IpFamily.IPV4, IpFamily.IPV6)),
          scheduler,
          INTERVAL,
          () -> links,
          traffic);

  @Test
  void installsWhatIsMissingAndCutsConnectionsOpenedBeforeIt() {
    assertThat(manager.ready()).isFalse();

    List<RuleCheck> outcomes = manager.install();

    assertThat(outcomes)
        .containsExactly(
            new RuleCheck.Installed(IpFamily.IPV4, 1), new RuleCheck.Installed(IpFamily.IPV6, 0));
    assertThat(backend.holds(IpFamily.IPV4)).isTrue();
    assertThat(backend.holds(IpFamily.IPV6)).isTrue();
    assertThat(manager.ready()).isTrue();
    assertThat(scrape())
        .contains("podium_interception_conntrack_flushed_total{family=\"ipv4\"} 1.0")
        .contains("podium_interception_rule_present{family=\"ipv6\"} 1.0");
  }

  @Test
  void aSecondCheckWritesNothingAndCutsNothing() {
    manager.install();
    int connectionsListed = conntrack.calls("conntrack -L").size();

    List<RuleCheck> outcomes = manager.check();

    assertThat(outcomes)
        .containsExactly(
            new RuleCheck.Unchanged(IpFamily.IPV4, 0), new RuleCheck.Unchanged(IpFamily.IPV6, 0));
    assertThat(backend.writes()).isEqualTo(2);
    assertThat(conntrack.calls("conntrack -L")).hasSize(connectionsListed);
  }

  @Test
  void periodicChecksPutBackARuleSomeoneRemovedAndCountTheRepair() {
    manager.install();
    manager.startChecking();
    backend.flushedBySomeoneElse(IpFamily.IPV4);

    scheduler.advance(INTERVAL);

    assertThat(backend.holds(IpFamily.IPV4)).isTrue();
    assertThat(backend.writes()).isEqualTo(3);
    assertThat(scrape()).contains("podium_interception_repairs_total{family=\"ipv4\"} 1.0");
    assertThat(logs.messagesFrom("io.podium.interception.RuleManager"))
        .anyMatch(
            message -> message.contains("ipv4 interception rule had changed (it was missing)"));
    assertThat(scheduler.pending()).isEqualTo(1);
  }

  @Test
  void aRuleChangedBehindItsBackIsRewritten() {
    manager.install();
    backend.editedBySomeoneElse("PODIUM-METADATA holds [-i eth1 ...]");

    List<RuleCheck> outcomes = manager.check();

    assertThat(outcomes.getFirst())
        .isEqualTo(new RuleCheck.Repaired(IpFamily.IPV4, "PODIUM-METADATA holds [-i eth1 ...]", 0));
    assertThat(manager.ready()).isTrue();
  }

  @Test
  void notReadyWhileTheRuleCannotBeWrittenAndReadyAgainOnceItIs() {
    backend.failWrites("iptables-nft-restore failed with exit code 4: Permission denied");

    assertThatThrownBy(manager::install)
        .isInstanceOf(InterceptionException.class)
        .hasMessageContaining("ipv4: iptables-nft-restore failed with exit code 4")
        .hasMessageContaining("ipv6: iptables-nft-restore failed");
    assertThat(manager.ready()).isFalse();
    assertThat(scrape())
        .contains("podium_interception_rule_present{family=\"ipv4\"} 0.0")
        .contains("podium_interception_check_failures_total{family=\"ipv4\"} 1.0");

    manager.check();
    assertThat(logs.messagesFrom("io.podium.interception.RuleManager"))
        .filteredOn(message -> message.startsWith("Cannot keep the ipv4"))
        .hasSize(1);

    backend.failWrites(null);
    manager.check();
    assertThat(manager.ready()).isTrue();
  }

  @Test
  void aRuleThatReadsBackDifferentlyIsReportedInsteadOfRewrittenForever() {
    backend.readBackDifferently();

    List<RuleCheck> outcomes = manager.check();

    assertThat(outcomes.getFirst())
        .isInstanceOfSatisfying(
            RuleCheck.Failed.class,
            failed ->
                assertThat(failed.reason())
                    .isEqualTo("wrote the rule but read back not the wanted rules"));
    assertThat(manager.ready()).isFalse();
  }

  @Test
  void reportsTheRulesCountersAsMatchedPackets() {
    manager.install();
    backend.matched(IpFamily.IPV4, 42);

    manager.check();

    assertThat(scrape())
        .contains("podium_interception_matched_packets_total{family=\"ipv4\"} 42.0")
        .contains("podium_interception_matched_packets_total{family=\"ipv6\"} 0.0");
    assertThat(logs.messagesFrom("io.podium.interception.RuleManager"))
        .contains(
            "The ipv4 interception rule has matched 42 pod connections: pods reach the agent"
                + " through it");
  }

  @Test
  void closingStopsTheChecksAndLeavesTheRuleInPlace() {
    manager.install();
    manager.startChecking();

    manager.close();
    scheduler.advance(INTERVAL.multipliedBy(3));

    assertThat(backend.holds(IpFamily.IPV4)).isTrue();
    assertThat(backend.removals()).isZero();
    assertThat(backend.writes()).isEqualTo(2);
    assertThat(scheduler.pending()).isZero();
    assertThat(scrape()).doesNotContain("podium_interception");
  }

  @Test
  void warnsAtStartWhenAnInterfaceGlobSelectsOnlyBridgePorts() {
    links =
        List.of(
            new NetworkLinks.Link("eth0", false, null),
            new NetworkLinks.Link("cni0", true, null),
            new NetworkLinks.Link("cali1", false, "cni0"),
            new NetworkLinks.Link("cali2", false, "cni0"));

    manager.install();

    assertThat(logs.messagesFrom("io.podium.interception.RuleManager"))
        .contains(
            "--host-interface cali+ selects only ports of bridge cni0 (cali1, cali2): pods' packets"
                + " arrive on the bridge, so the rule never matches them; name the bridge"
                + " (--host-interface cni0): pods behind that bridge may reach the node's own"
                + " credentials");
    assertThat(scrape())
        .contains("podium_interception_rule_bypassed{reason=\"bridge_ports_only\"} 1.0")
        .contains("podium_interception_rule_bypassed{reason=\"unmatched_pod_requests\"} 0.0");

    // Once the glob selects a routed interface too (or the bridge), the warning is over.
    links =
        List.of(
            new NetworkLinks.Link("cali1", false, "cni0"),
            new NetworkLinks.Link("cali9", false, null));
    manager.check();
    assertThat(scrape())
        .contains("podium_interception_rule_bypassed{reason=\"bridge_ports_only\"} 0.0");
  }

  @Test
  void anInterfaceGlobSelectingRoutedInterfacesOrNothingYetIsFine() {
    links = List.of(new NetworkLinks.Link("eth0", false, null));
    manager.install();
    links = List.of(new NetworkLinks.Link("cali1", false, null));
    manager.check();

    assertThat(logs.messagesFrom("io.podium.interception.RuleManager"))
        .noneMatch(message -> message.contains("selects only ports"));
    assertThat(scrape())
        .contains("podium_interception_rule_bypassed{reason=\"bridge_ports_only\"} 0.0");
  }

  @Test
  void podsAskingWhileTheRulesCountersStayAtZeroAreReportedOnceOldConnectionsHadTimeToClose() {
    manager.install();
    manager.startChecking();
    InetAddress pod = InetAddress.ofLiteral("10.0.0.7");
    int checksBeforeJudging = (int) (RuleManager.JUDGING_DELAY.toMillis() / INTERVAL.toMillis());

    // Right after the write, a pod on a connection opened before it says nothing about the rule.
    traffic.count(pod);
    scheduler.advance(INTERVAL);
    assertThat(scrape())
        .contains("podium_interception_rule_bypassed{reason=\"unmatched_pod_requests\"} 0.0");

    scheduler.advance(INTERVAL.multipliedBy(checksBeforeJudging));
    traffic.count(pod);
    traffic.count(pod);
    scheduler.advance(INTERVAL);

    assertThat(scrape())
        .contains("podium_interception_rule_bypassed{reason=\"unmatched_pod_requests\"} 1.0");
    assertThat(logs.messagesFrom("io.podium.interception.RuleManager"))
        .filteredOn(message -> message.startsWith("Pods asked the metadata API"))
        .singleElement()
        .asString()
        .startsWith("Pods asked the metadata API 2 times over ipv4 since the interception rule")
        .contains("does not pass through it");

    // Traffic through the rule ends it.
    backend.matched(IpFamily.IPV4, 3);
    scheduler.advance(INTERVAL);
    assertThat(scrape())
        .contains("podium_interception_rule_bypassed{reason=\"unmatched_pod_requests\"} 0.0");
  }

  @Test
  void podsWhoseConnectionsTheRuleMatchedRaiseNothing() {
    manager.install();
    manager.startChecking();
    backend.matched(IpFamily.IPV4, 5);
    for (int i = 0; i < 20; i++) {
      traffic.count(InetAddress.ofLiteral("10.0.0.7"));
      scheduler.advance(INTERVAL);
    }

    assertThat(scrape())
        .contains("podium_interception_rule_bypassed{reason=\"unmatched_pod_requests\"} 0.0");
  }

  private String scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
