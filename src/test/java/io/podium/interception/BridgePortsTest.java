package io.podium.interception;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BridgePortsTest {

  private static final List<NetworkLinks.Link> BRIDGED_NODE =
      List.of(
          new NetworkLinks.Link("lo", false, null),
          new NetworkLinks.Link("eth0", false, null),
          new NetworkLinks.Link("cni0", true, null),
          new NetworkLinks.Link("veth1", false, "cni0"),
          new NetworkLinks.Link("veth2", false, "cni0"),
          new NetworkLinks.Link("cali3", false, null));

  private static List<String> problems(String... interfaces) {
    return BridgePorts.onlyPortsSelected(
        List.of(interfaces).stream().map(InterfaceMatch::parse).toList(), BRIDGED_NODE);
  }

  @Test
  void aGlobSelectingOnlyBridgePortsIsAProblemThatNamesTheBridge() {
    assertThat(problems("veth+"))
        .containsExactly(
            "--host-interface veth+ selects only ports of bridge cni0 (veth1, veth2): pods'"
                + " packets arrive on the bridge, so the rule never matches them; name the bridge"
                + " (--host-interface cni0)");
    assertThat(problems("veth1")).singleElement().asString().contains("(veth1)");
  }

  @Test
  void theBridgeItselfRoutedInterfacesNegationsAndNothingYetAreFine() {
    assertThat(problems("cni0")).isEmpty();
    assertThat(problems("cali+")).isEmpty();
    assertThat(problems("!eth0")).isEmpty();
    assertThat(problems("eni+")).isEmpty();
    // The bridge is named as well: its pods are matched there.
    assertThat(problems("veth+", "cni0")).isEmpty();
    assertThat(problems("veth+", "!eth0")).isEmpty();
    // A glob that selects a routed interface too matches that one's pods.
    assertThat(
            BridgePorts.onlyPortsSelected(
                List.of(InterfaceMatch.parse("veth+")),
                List.of(
                    new NetworkLinks.Link("veth1", false, "cni0"),
                    new NetworkLinks.Link("veth9", false, null))))
        .isEmpty();
  }

  @Test
  void sysfsTellsBridgesAndTheirPortsApart(@TempDir Path sys) throws IOException {
    Files.createDirectories(sys.resolve("cni0/bridge"));
    Files.createDirectories(sys.resolve("veth1/brport"));
    Files.createSymbolicLink(
        sys.resolve("veth1/master"), Path.of("../../devices/virtual/net/cni0"));
    Files.createDirectories(sys.resolve("cali3"));
    Files.createDirectories(sys.resolve("eth0"));

    assertThat(new SysfsNetworkLinks(sys).list())
        .containsExactly(
            new NetworkLinks.Link("cali3", false, null),
            new NetworkLinks.Link("cni0", true, null),
            new NetworkLinks.Link("eth0", false, null),
            new NetworkLinks.Link("veth1", false, "cni0"));
  }
}
