package io.podium.interception;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InterceptionSettingsTest {

  private static final List<InterfaceMatch> CALI = List.of(InterfaceMatch.parse("cali+"));

  private static InterceptionSettings settings(
      List<InterfaceMatch> interfaces, String hostIp, String hostIp6, String listenHost) {
    return InterceptionSettings.forListener(
        interfaces,
        Optional.ofNullable(hostIp).map(InetAddress::ofLiteral),
        Optional.ofNullable(hostIp6).map(InetAddress::ofLiteral),
        new InetSocketAddress(InetAddress.ofLiteral(listenHost), 8181),
        BackendChoice.AUTO,
        Duration.ofSeconds(10),
        true);
  }

  @Test
  void wantsOneRulePerFamilyToTheListenersPort() {
    InterceptionSettings settings = settings(CALI, "10.0.0.1", "fd00::1", "0.0.0.0");

    assertThat(settings.specs())
        .containsExactly(
            new RuleSpec(IpFamily.IPV4, InetAddress.ofLiteral("10.0.0.1"), 8181, CALI),
            new RuleSpec(IpFamily.IPV6, InetAddress.ofLiteral("fd00::1"), 8181, CALI));
    assertThat(settings.hostAddresses())
        .containsExactly(InetAddress.ofLiteral("10.0.0.1"), InetAddress.ofLiteral("fd00::1"));
    assertThat(settings(CALI, "10.0.0.1", null, "10.0.0.1").specs()).hasSize(1);
  }

  @Test
  void refusesAListenerTheRuleWouldNotReach() {
    assertThatThrownBy(() -> settings(CALI, "10.0.0.1", null, "127.0.0.1"))
        .hasMessageContaining("--imds-listen 127.0.0.1:8181 is not --host-ip 10.0.0.1")
        .hasMessageContaining("listen on 0.0.0.0:8181 or 10.0.0.1:8181");
    assertThatThrownBy(() -> settings(CALI, "10.0.0.1", "fd00::1", "10.0.0.1"))
        .hasMessageContaining("--host-ip6 needs --imds-listen on a wildcard address");
  }

  @Test
  void refusesHostAddressesPodsCannotBeSentTo() {
    assertThatThrownBy(() -> settings(CALI, "127.0.0.1", null, "0.0.0.0"))
        .hasMessageContaining("--host-ip 127.0.0.1 is loopback");
    assertThatThrownBy(() -> settings(CALI, "169.254.169.254", null, "0.0.0.0"))
        .hasMessageContaining("not the metadata address itself");
    assertThatThrownBy(() -> settings(CALI, "10.0.0.1", "10.0.0.2", "0.0.0.0"))
        .hasMessageContaining("--host-ip6 must be an IPv6 address");
    assertThatThrownBy(() -> settings(CALI, "fd00::1", "fd00::2", "0.0.0.0"))
        .hasMessageContaining("--host-ip fd00::1 and --host-ip6 fd00::2 are two IPv6 addresses");
    assertThatThrownBy(() -> settings(CALI, "10.0.0.1", "::1", "0.0.0.0"))
        .hasMessageContaining("--host-ip6 ::1 is loopback");
  }

  @Test
  void needsAtLeastOneInterfaceAndASaneInterval() {
    assertThatThrownBy(() -> settings(List.of(), "10.0.0.1", null, "0.0.0.0"))
        .hasMessageContaining("--iptables needs --host-interface");
    assertThatThrownBy(
            () ->
                new InterceptionSettings(
                    CALI,
                    Optional.of((java.net.Inet4Address) InetAddress.ofLiteral("10.0.0.1")),
                    Optional.empty(),
                    8181,
                    BackendChoice.AUTO,
                    Duration.ofMillis(100),
                    true))
        .hasMessageContaining("--rule-check-interval must be at least 1s");
  }

  @Test
  void anIpv6OnlyNodeGetsTheIpv6RuleAloneFromAnIpv6HostIp() {
    InterceptionSettings wildcard = settings(CALI, "fd00::1", null, "::");
    InterceptionSettings bound = settings(CALI, "fd00::1", null, "fd00::1");
    InterceptionSettings asHostIp6 = settings(CALI, null, "fd00::1", "0.0.0.0");

    RuleSpec ipv6Only = new RuleSpec(IpFamily.IPV6, InetAddress.ofLiteral("fd00::1"), 8181, CALI);
    assertThat(wildcard.specs()).containsExactly(ipv6Only);
    assertThat(bound.specs()).containsExactly(ipv6Only);
    assertThat(asHostIp6.specs()).containsExactly(ipv6Only);
    assertThat(wildcard.hostAddresses()).containsExactly(InetAddress.ofLiteral("fd00::1"));
    assertThat(settings(CALI, "fd00::1", "fd00::1", "::").specs()).containsExactly(ipv6Only);
    assertThatThrownBy(() -> settings(CALI, "fd00::1", null, "fd00::2"))
        .hasMessageContaining("--imds-listen [fd00::2]:8181 is not --host-ip fd00::1")
        .hasMessageContaining("listen on [::]:8181 or [fd00::1]:8181");
  }

  @Test
  void needsAHostAddressOfSomeFamily() {
    assertThatThrownBy(() -> settings(CALI, null, null, "0.0.0.0"))
        .hasMessageContaining("--iptables needs --host-ip");
  }

  @Test
  void keepsTheRuleFirstUnlessToldNotTo() {
    InterceptionSettings leftAlone =
        InterceptionSettings.forListener(
            CALI,
            Optional.of(InetAddress.ofLiteral("10.0.0.1")),
            Optional.empty(),
            new InetSocketAddress(InetAddress.ofLiteral("0.0.0.0"), 8181),
            BackendChoice.AUTO,
            Duration.ofSeconds(10),
            false);

    assertThat(settings(CALI, "10.0.0.1", null, "0.0.0.0").specs()).allMatch(RuleSpec::keepFirst);
    assertThat(leftAlone.specs()).noneMatch(RuleSpec::keepFirst);
  }
}
