package io.podium.interception;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@link NetworkLinks} from sysfs ({@code /sys/class/net}): a bridge has a {@code bridge}
 * directory, a bridge port a {@code brport} directory and a {@code master} link to its bridge. No
 * program is needed (Podium's image carries no iproute2), and a host-network container's sysfs
 * shows the node's interfaces.
 */
final class SysfsNetworkLinks implements NetworkLinks {

  static final Path SYS_CLASS_NET = Path.of("/sys/class/net");

  private final Path root;

  SysfsNetworkLinks(Path root) {
    this.root = root;
  }

  @Override
  public List<Link> list() {
    List<Link> links = new ArrayList<>();
    try (Stream<Path> entries = Files.list(root)) {
      for (Path entry : entries.sorted().toList()) {
        String name = entry.getFileName().toString();
        String portOf = null;
        if (Files.isDirectory(entry.resolve("brport"))) {
          Path master = entry.resolve("master");
          portOf =
              Files.isSymbolicLink(master)
                  ? Files.readSymbolicLink(master).getFileName().toString()
                  : "a bridge";
        }
        links.add(new Link(name, Files.isDirectory(entry.resolve("bridge")), portOf));
      }
    } catch (IOException e) {
      throw new InterceptionException("cannot list " + root + ": " + e.getMessage(), e);
    }
    return links;
  }
}
