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
        InetAddress.ofLiteral(hostIp),
        Optional.ofNullable(hostIp6).map(InetAddress::ofLiteral),
        new InetSocketAddress(InetAddress.ofLiteral(listenHost), 8181),
        BackendChoice.AUTO,
        Duration.ofSeconds(10));
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
    assertThatThrownBy(() -> settings(CALI, "fd00::1", null, "0.0.0.0"))
        .hasMessageContaining("--host-ip must be an IPv4 address");
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
                    (java.net.Inet4Address) InetAddress.ofLiteral("10.0.0.1"),
                    Optional.empty(),
                    8181,
                    BackendChoice.AUTO,
                    Duration.ofMillis(100)))
        .hasMessageContaining("--rule-check-interval must be at least 1s");
  }
}
