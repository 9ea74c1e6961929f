package io.podium.interception;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Puts the container-credentials endpoint's addresses (169.254.170.23 and fd00:ec2::23, EKS Pod
 * Identity's) on a link of the node, as EKS's agent does: a dummy link of their own ({@code ip link
 * add podium-link0 type dummy}), or an existing interface when told to (loopback, on kernels
 * without the dummy module). Pods then reach the endpoint through the node's ordinary routing, and
 * no rule is needed. Like the interception rule, the addresses stay when Podium stops (pods are
 * refused, not sent elsewhere) and only {@link #cleanup} removes them; a dummy link is removed only
 * when it holds nothing but ours.
 *
 * <p>IPv6 is optional, as on EKS: a node without it gets the IPv4 address and a warning.
 */
public final class EndpointLink {

  /** The dummy link's default name (interface names are at most 15 characters). */
  public static final String DEFAULT_DEVICE = "podium-link0";

  private static final Pattern DEVICE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,14}");

  /**
   * The link and its addresses.
   *
   * @param device a dummy link to create, or an existing interface to add the addresses to
   * @param addresses the endpoint's addresses that must be the node's own
   */
  public record Settings(String device, List<InetAddress> addresses) {
    public Settings {
      Objects.requireNonNull(device, "device");
      addresses = List.copyOf(addresses);
      if (!DEVICE.matcher(device).matches()) {
        throw new IllegalArgumentException(
            "--container-credentials-link '"
                + device
                + "' is not an interface name (letters, digits, _ . -, at most 15)");
      }
    }
  }

  /** One address's fate. */
  public record Change(InetAddress address, String outcome, boolean failed) {}

  private final Settings settings;
  private final CommandRunner runner;
  private final JsonMapper json = JsonMapper.builder().build();

  public EndpointLink(Settings settings, CommandRunner runner) {
    this.settings = settings;
    this.runner = runner;
  }

  /** The addresses an endpoint listening on {@code listen} needs on a link: EKS Pod Identity's. */
  public static List<InetAddress> needed(List<InetAddress> listen) {
    List<InetAddress> needed = new ArrayList<>();
    for (InetAddress address : listen) {
      if (!address.isAnyLocalAddress() && !address.isLoopbackAddress() && ours(address)) {
        needed.add(address);
      }
    }
    return needed;
  }

  /** Addresses the SDKs accept for container credentials besides loopback. */
  static boolean ours(InetAddress address) {
    String text = IpLiterals.text(address);
    return text.equals("169.254.170.23")
        || text.equals("169.254.170.2")
        || text.equals("fd00:ec2::23");
  }

  /**
   * Creates the dummy link when it is missing, adds the missing addresses and brings it up.
   *
   * @throws InterceptionException when the link cannot be made or the IPv4 address added
   */
  public List<Change> install() {
    JsonNode link = show();
    String device = settings.device();
    if (link == null) {
      CommandRunner.Result created = run("ip", "link", "add", device, "type", "dummy");
      if (!created.succeeded()) {
        throw new InterceptionException(
            "cannot create the dummy link "
                + device
                + " for the container-credentials addresses ("
                + created.firstError()
                + "); on a kernel without the dummy module give --container-credentials-link lo"
                + " (or another interface of the node)");
      }
      link = show();
      if (link == null) {
        throw new InterceptionException("created " + device + " but cannot see it");
      }
    }
    Set<InetAddress> present = addresses(link);
    List<Change> changes = new ArrayList<>();
    for (InetAddress address : settings.addresses()) {
      if (present.contains(address)) {
        changes.add(new Change(address, "already on " + device, false));
        continue;
      }
      CommandRunner.Result added =
          address instanceof Inet6Address
              ? run(
                  "ip",
                  "-6",
                  "addr",
                  "add",
                  IpLiterals.text(address) + "/128",
                  "dev",
                  device,
                  "nodad")
              : run("ip", "addr", "add", IpLiterals.text(address) + "/32", "dev", device);
      if (added.succeeded()) {
        changes.add(new Change(address, "added to " + device, false));
      } else if (address instanceof Inet6Address) {
        // IPv6 is optional, as EKS's agent treats it: IPv4-only nodes still serve.
        changes.add(new Change(address, "not added (" + added.firstError() + ")", true));
      } else {
        throw new InterceptionException(
            "cannot add " + IpLiterals.text(address) + " to " + device + ": " + added.firstError());
      }
    }
    CommandRunner.Result up = run("ip", "link", "set", device, "up");
    if (!up.succeeded()) {
      throw new InterceptionException("cannot bring " + device + " up: " + up.firstError());
    }
    return changes;
  }

  /**
   * Removes the addresses, and the dummy link when it holds nothing else.
   *
   * @return what was removed, one line each; empty when nothing of Podium's was there
   */
  public List<String> cleanup() {
    JsonNode link = show();
    if (link == null) {
      return List.of();
    }
    String device = settings.device();
    Set<InetAddress> present = addresses(link);
    List<String> removed = new ArrayList<>();
    boolean dummy = "dummy".equals(link.path("linkinfo").path("info_kind").asString(""));
    if (dummy && settings.addresses().containsAll(present)) {
      CommandRunner.Result deleted = run("ip", "link", "del", device);
      if (!deleted.succeeded()) {
        throw new InterceptionException("cannot remove " + device + ": " + deleted.firstError());
      }
      removed.add("removed the dummy link " + device);
      return removed;
    }
    for (InetAddress address : settings.addresses()) {
      if (!present.contains(address)) {
        continue;
      }
      String prefix = IpLiterals.text(address) + (address instanceof Inet6Address ? "/128" : "/32");
      CommandRunner.Result deleted = run("ip", "addr", "del", prefix, "dev", device);
      if (!deleted.succeeded()) {
        throw new InterceptionException(
            "cannot remove " + prefix + " from " + device + ": " + deleted.firstError());
      }
      removed.add("removed " + prefix + " from " + device);
    }
    return removed;
  }

  /** {@code ip -d -j addr show dev DEVICE}'s one entry, or {@code null} when there is none. */
  private @Nullable JsonNode show() {
    CommandRunner.Result shown = run("ip", "-d", "-j", "addr", "show", "dev", settings.device());
    if (!shown.succeeded()) {
      return null;
    }
    try {
      JsonNode list = json.readTree(shown.stdout());
      return list.isArray() && !list.isEmpty() ? list.get(0) : null;
    } catch (JacksonException e) {
      throw new InterceptionException(
          "cannot read ip's description of " + settings.device() + ": " + e.getOriginalMessage());
    }
  }

  private static Set<InetAddress> addresses(JsonNode link) {
    Set<InetAddress> addresses = new HashSet<>();
    for (JsonNode info : link.path("addr_info")) {
      String local = info.path("local").asString("");
      if (!local.isEmpty()) {
        try {
          addresses.add(InetAddress.ofLiteral(local));
        } catch (IllegalArgumentException e) {
          // Not an IP address (a link-layer entry): not ours either way.
        }
      }
    }
    return addresses;
  }

  private CommandRunner.Result run(String... command) {
    if (!runner.available("ip")) {
      throw new InterceptionException(
          "ip (iproute2) is not installed; it puts the container-credentials addresses on a link");
    }
    return runner.run(List.of(command));
  }
}
