package io.podium.interception;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointLinkTest {

  private static final String SHOW = "ip -d -j addr show dev podium-link0";
  private static final List<InetAddress> ADDRESSES =
      List.of(InetAddress.ofLiteral("169.254.170.23"), InetAddress.ofLiteral("fd00:ec2::23"));
  private static final String EMPTY_DUMMY =
      "[{\"ifname\":\"podium-link0\",\"linkinfo\":{\"info_kind\":\"dummy\"},\"addr_info\":[]}]";
  private static final String OURS_ON_DUMMY =
      "[{\"ifname\":\"podium-link0\",\"linkinfo\":{\"info_kind\":\"dummy\"},\"addr_info\":["
          + "{\"family\":\"inet\",\"local\":\"169.254.170.23\",\"prefixlen\":32},"
          + "{\"family\":\"inet6\",\"local\":\"fd00:ec2::23\",\"prefixlen\":128}]}]";

  private final FakeCommandRunner runner = new FakeCommandRunner().installed("ip");

  private EndpointLink link(String device) {
    return new EndpointLink(new EndpointLink.Settings(device, ADDRESSES), runner);
  }

  @Test
  void needsOnlyEksPodIdentitysAddressesOnALink() {
    assertThat(
            EndpointLink.needed(
                List.of(
                    InetAddress.ofLiteral("169.254.170.23"),
                    InetAddress.ofLiteral("fd00:ec2::23"),
                    InetAddress.ofLiteral("127.0.0.1"),
                    InetAddress.ofLiteral("0.0.0.0"),
                    InetAddress.ofLiteral("10.0.0.1"))))
        .containsExactlyElementsOf(ADDRESSES);
    assertThat(EndpointLink.needed(List.of(new InetSocketAddress(8182).getAddress()))).isEmpty();
  }

  @Test
  void createsTheDummyLinkAddsBothAddressesAndBringsItUp() {
    runner
        .answer(SHOW, FakeCommandRunner.failure(1, "Device \"podium-link0\" does not exist."))
        .answer(SHOW, EMPTY_DUMMY)
        .answer("ip link add podium-link0 type dummy", "")
        .answer("ip addr add 169.254.170.23/32 dev podium-link0", "")
        .answer("ip -6 addr add fd00:ec2::23/128 dev podium-link0 nodad", "")
        .answer("ip link set podium-link0 up", "");

    List<EndpointLink.Change> changes = link("podium-link0").install();

    assertThat(changes).noneMatch(EndpointLink.Change::failed);
    assertThat(runner.calls().stream().map(FakeCommandRunner.Call::command))
        .containsExactly(
            SHOW,
            "ip link add podium-link0 type dummy",
            SHOW,
            "ip addr add 169.254.170.23/32 dev podium-link0",
            "ip -6 addr add fd00:ec2::23/128 dev podium-link0 nodad",
            "ip link set podium-link0 up");
  }

  @Test
  void aSecondInstallAddsNothing() {
    runner.answer(SHOW, OURS_ON_DUMMY).answer("ip link set podium-link0 up", "");

    assertThat(link("podium-link0").install())
        .extracting(EndpointLink.Change::outcome)
        .containsOnly("already on podium-link0");
    assertThat(runner.calls("ip addr add")).isEmpty();
  }

  @Test
  void withoutTheDummyModuleSaysToUseLo() {
    runner
        .answer(SHOW, FakeCommandRunner.failure(1, "Device does not exist."))
        .answer(
            "ip link add podium-link0 type dummy",
            FakeCommandRunner.failure(2, "Error: Unknown device type."));

    assertThatThrownBy(() -> link("podium-link0").install())
        .isInstanceOf(InterceptionException.class)
        .hasMessageContaining("Unknown device type")
        .hasMessageContaining("--container-credentials-link lo");
  }

  @Test
  void anIpv4OnlyNodeServesOnIpv4AndSaysWhyNotIpv6() {
    runner
        .answer(SHOW, EMPTY_DUMMY)
        .answer("ip addr add 169.254.170.23/32 dev podium-link0", "")
        .answer(
            "ip -6 addr add fd00:ec2::23/128 dev podium-link0 nodad",
            FakeCommandRunner.failure(2, "RTNETLINK answers: Permission denied"))
        .answer("ip link set podium-link0 up", "");

    List<EndpointLink.Change> changes = link("podium-link0").install();

    assertThat(changes.getFirst().failed()).isFalse();
    assertThat(changes.getLast().failed()).isTrue();
    assertThat(changes.getLast().outcome()).contains("Permission denied");
  }

  @Test
  void cleanupRemovesADummyLinkHoldingOnlyOurAddresses() {
    runner.answer(SHOW, OURS_ON_DUMMY).answer("ip link del podium-link0", "");

    assertThat(link("podium-link0").cleanup())
        .containsExactly("removed the dummy link podium-link0");
  }

  @Test
  void cleanupOfAnExistingInterfaceRemovesOnlyOurAddresses() {
    String lo =
        "[{\"ifname\":\"lo\",\"addr_info\":["
            + "{\"family\":\"inet\",\"local\":\"127.0.0.1\",\"prefixlen\":8},"
            + "{\"family\":\"inet\",\"local\":\"169.254.170.23\",\"prefixlen\":32}]}]";
    runner
        .answer("ip -d -j addr show dev lo", lo)
        .answer("ip addr del 169.254.170.23/32 dev lo", "");

    assertThat(link("lo").cleanup()).containsExactly("removed 169.254.170.23/32 from lo");
    assertThat(runner.calls("ip link del")).isEmpty();
  }

  @Test
  void refusesADeviceNameIpWouldMisread() {
    assertThatThrownBy(() -> new EndpointLink.Settings("eth0 type dummy", ADDRESSES))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--container-credentials-link");
  }
}
