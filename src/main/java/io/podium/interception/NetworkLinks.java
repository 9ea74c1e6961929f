package io.podium.interception;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The node's network interfaces as the kernel lists them, with the bridge each is a port of: what a
 * {@code --host-interface} glob selects, and whether packets ever arrive on it.
 */
interface NetworkLinks {

  /**
   * One interface.
   *
   * @param bridge whether it is a bridge (pods' packets arrive on it, not on its ports)
   * @param portOf the bridge it is a port of; {@code null} when none
   */
  record Link(String name, boolean bridge, @Nullable String portOf) {}

  /**
   * The interfaces there are now.
   *
   * @throws InterceptionException when they cannot be listed
   */
  List<Link> list();
}
