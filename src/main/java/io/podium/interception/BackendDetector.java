package io.podium.interception;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Decides which firewall front end holds the interception rule. Rules written with iptables-legacy
 * and with iptables-nft both work, but a node's packets see both sets and an operator debugging
 * with the other tool sees nothing, so Podium writes where the node's own components (kubelet,
 * kube-proxy, the CNI) already do, and finds that out as kube-proxy's image does
 * (kubernetes-sigs/iptables-wrappers):
 *
 * <ol>
 *   <li>Podium's own chain from an earlier run, if exactly one backend has it: restarts keep to
 *       what they installed.
 *   <li>kubelet's hint chains ({@code KUBE-IPTABLES-HINT}, {@code KUBE-KUBELET-CANARY} in the
 *       mangle table), iptables-nft first.
 *   <li>The backend holding more rules in all tables of both families; a tie means iptables-nft,
 *       the default of current distributions.
 * </ol>
 *
 * <p>With only one kind of iptables installed, that one; with no iptables at all, native nftables.
 */
final class BackendDetector {

  private static final List<String> KUBELET_HINTS =
      List.of("KUBE-IPTABLES-HINT", "KUBE-KUBELET-CANARY");

  /** The chosen backend and the evidence, for the start-up log line. */
  record Detection(RuleBackend backend, String reason) {}

  private final CommandRunner runner;
  private final JsonMapper json;

  BackendDetector(CommandRunner runner, JsonMapper json) {
    this.runner = runner;
    this.json = json;
  }

  /**
   * The backend {@code choice} names, or the node's when {@code AUTO}.
   *
   * @throws InterceptionException when the chosen backend's programs are not installed
   */
  Detection detect(BackendChoice choice) {
    return switch (choice) {
      case LEGACY -> explicit(IptablesFlavor.LEGACY, false);
      case NFT -> explicit(IptablesFlavor.NFT, true);
      case NFTABLES -> {
        if (!runner.available("nft")) {
          throw new InterceptionException(
              "--iptables-backend nftables: nft is not installed; install nftables");
        }
        yield new Detection(nftables(), "chosen with --iptables-backend nftables");
      }
      case AUTO -> automatic();
    };
  }

  /**
   * Every backend that may hold something of Podium's, for {@code --cleanup}: the chosen one, or
   * with {@code AUTO} every one installed, so that a node that changed backend is cleaned whole.
   */
  List<RuleBackend> candidates(BackendChoice choice) {
    if (choice != BackendChoice.AUTO) {
      return List.of(detect(choice).backend());
    }
    List<RuleBackend> backends = new ArrayList<>();
    for (IptablesFlavor flavor : installedFlavors()) {
      backends.add(new IptablesBackend(runner, flavor));
    }
    if (runner.available("nft")) {
      backends.add(nftables());
    }
    return backends;
  }

  private Detection automatic() {
    List<IptablesFlavor> flavors = installedFlavors();
    if (flavors.isEmpty()) {
      if (runner.available("nft")) {
        return new Detection(nftables(), "iptables is not installed and nft is");
      }
      throw new InterceptionException(
          "neither iptables nor nft is installed: install iptables (or nftables) in Podium's"
              + " image, or run without --iptables");
    }
    if (flavors.size() == 1) {
      return new Detection(
          new IptablesBackend(runner, flavors.getFirst()),
          "only " + flavors.getFirst().name() + " is installed");
    }
    Usage legacy = usage(IptablesFlavor.LEGACY);
    Usage nft = usage(IptablesFlavor.NFT);
    if (legacy.hasPodiumChain() != nft.hasPodiumChain()) {
      IptablesFlavor owner = legacy.hasPodiumChain() ? IptablesFlavor.LEGACY : IptablesFlavor.NFT;
      return chosen(owner, IptablesBackend.CHAIN + " from an earlier run is in " + owner.name());
    }
    if (nft.hasKubeletHint()) {
      return chosen(IptablesFlavor.NFT, "kubelet's hint chain is in iptables-nft");
    }
    if (legacy.hasKubeletHint()) {
      return chosen(IptablesFlavor.LEGACY, "kubelet's hint chain is in iptables-legacy");
    }
    String counts = " (" + legacy.rules() + " rules in legacy, " + nft.rules() + " in nft)";
    if (legacy.rules() > nft.rules()) {
      return chosen(IptablesFlavor.LEGACY, "iptables-legacy holds more rules" + counts);
    }
    return chosen(
        IptablesFlavor.NFT,
        (nft.rules() > legacy.rules() ? "iptables-nft holds more rules" : "a tie goes to nft")
            + counts);
  }

  private Detection chosen(IptablesFlavor flavor, String reason) {
    return new Detection(new IptablesBackend(runner, flavor), reason);
  }

  private Detection explicit(IptablesFlavor flavor, boolean nfTables) {
    if (installed(flavor)) {
      return new Detection(new IptablesBackend(runner, flavor), "chosen with --iptables-backend");
    }
    Optional<IptablesFlavor> unsuffixed = unsuffixed();
    if (unsuffixed.isPresent() && unsuffixed.get().equals(IptablesFlavor.unsuffixed(nfTables))) {
      return new Detection(
          new IptablesBackend(runner, unsuffixed.get()), "chosen with --iptables-backend");
    }
    throw new InterceptionException(
        "--iptables-backend "
            + (nfTables ? "nft" : "legacy")
            + ": "
            + flavor.save(IpFamily.IPV4)
            + " is not installed");
  }

  private List<IptablesFlavor> installedFlavors() {
    List<IptablesFlavor> flavors = new ArrayList<>();
    for (IptablesFlavor flavor : List.of(IptablesFlavor.LEGACY, IptablesFlavor.NFT)) {
      if (installed(flavor)) {
        flavors.add(flavor);
      }
    }
    if (flavors.isEmpty()) {
      unsuffixed().ifPresent(flavors::add);
    }
    return flavors;
  }

  private boolean installed(IptablesFlavor flavor) {
    return runner.available(flavor.save(IpFamily.IPV4))
        && runner.available(flavor.restore(IpFamily.IPV4));
  }

  /** iptables before 1.8, or a build with only one kind: {@code iptables --version} says which. */
  private Optional<IptablesFlavor> unsuffixed() {
    if (!runner.available("iptables-save") || !runner.available("iptables-restore")) {
      return Optional.empty();
    }
    CommandRunner.Result version = runner.run(List.of("iptables", "--version"));
    return Optional.of(IptablesFlavor.unsuffixed(version.stdout().contains("nf_tables")));
  }

  /** How much a flavor is in use: all tables of both families (a failing save counts nothing). */
  private record Usage(boolean hasPodiumChain, boolean hasKubeletHint, int rules) {}

  private Usage usage(IptablesFlavor flavor) {
    boolean podium = false;
    boolean hint = false;
    int rules = 0;
    for (IpFamily family : IpFamily.values()) {
      if (!runner.available(flavor.save(family))) {
        continue;
      }
      CommandRunner.Result result = runner.run(List.of(flavor.save(family)));
      if (!result.succeeded()) {
        continue;
      }
      IptablesSave save;
      try {
        save = IptablesSave.parse(result.stdout());
      } catch (InterceptionException e) {
        continue;
      }
      podium |= save.table("nat").chains().contains(IptablesBackend.CHAIN);
      hint |= KUBELET_HINTS.stream().anyMatch(save.table("mangle").chains()::contains);
      rules += save.ruleCount();
    }
    return new Usage(podium, hint, rules);
  }

  private NftablesBackend nftables() {
    return new NftablesBackend(runner, json);
  }
}
