package io.podium.interception;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds {@code --host-interface} values that select only ports of a bridge. Packets from pods
 * behind a bridge (flannel, kubenet, the bridge plugin) arrive at the node on the bridge, not on
 * the pod's veth, so a rule matching the ports (say {@code veth+} where {@code cni0} was meant)
 * matches nothing and pods reach the node's own metadata service.
 */
final class BridgePorts {

  private BridgePorts() {}

  /**
   * One sentence per {@code --host-interface} that selects at least one interface, all of them
   * ports of bridges that no {@code --host-interface} selects; empty when there is none.
   */
  static List<String> onlyPortsSelected(
      List<InterfaceMatch> matches, List<NetworkLinks.Link> links) {
    List<String> problems = new ArrayList<>();
    for (InterfaceMatch match : matches) {
      if (match.negated()) {
        // "!eth0" selects the bridges too.
        continue;
      }
      List<NetworkLinks.Link> selected =
          links.stream().filter(link -> match.matches(link.name())).toList();
      if (selected.isEmpty() || selected.stream().anyMatch(link -> link.portOf() == null)) {
        continue;
      }
      Set<String> bridges = new TreeSet<>();
      selected.forEach(link -> bridges.add(link.portOf()));
      boolean bridgeSelected =
          bridges.stream().anyMatch(bridge -> matches.stream().anyMatch(m -> m.matches(bridge)));
      if (bridgeSelected) {
        continue;
      }
      Set<String> ports = new TreeSet<>();
      selected.forEach(link -> ports.add(link.name()));
      problems.add(
          "--host-interface "
              + match
              + " selects only ports of bridge "
              + String.join(", ", bridges)
              + " ("
              + String.join(", ", ports)
              + "): pods' packets arrive on the bridge, so the rule never matches them; name the"
              + " bridge (--host-interface "
              + bridges.iterator().next()
              + ")");
    }
    return problems;
  }
}
