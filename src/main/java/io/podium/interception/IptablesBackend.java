package io.podium.interception;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The interception in iptables' nat table, through iptables-legacy or iptables-nft: a dedicated
 * chain, {@value #CHAIN}, with one DNAT rule per {@code --host-interface}, and one jump to it from
 * PREROUTING for TCP to the metadata address. State is read with {@code iptables-save -c} and
 * written with {@code iptables-restore --noflush}, one transaction per family; declaring the chain
 * in the restore input flushes it, so a write replaces the chain's rules whole.
 *
 * <p>The jump is kept at the top of PREROUTING: a rule put before it (an {@code ACCEPT}, another
 * agent's DNAT, a leftover of kube2iam or kiam) could send pods' metadata traffic elsewhere, to the
 * node's own credentials among others, so every check that finds another rule ahead moves the jump
 * back to the top, in the same one transaction. Calico's Felix keeps its own jump first too; with
 * {@link RuleSpec#keepFirst()} off ({@code --no-keep-jump-first}) the jump is inserted at the top
 * when missing and then left where it is.
 */
final class IptablesBackend implements RuleBackend {

  static final String CHAIN = "PODIUM-METADATA";

  private static final String JUMP_COMMENT = "\"podium: pod metadata traffic to the agent\"";
  private static final Pattern JUMPS_TO_CHAIN = Pattern.compile("(^| )-j " + CHAIN + "( |$)");
  private static final Pattern JUMPS_TO_CALICO = Pattern.compile("(^| )-j cali-PREROUTING( |$)");

  /** How many of the rules found ahead of the jump a difference names. */
  private static final int AHEAD_SHOWN = 3;

  private final CommandRunner runner;
  private final IptablesFlavor flavor;

  IptablesBackend(CommandRunner runner, IptablesFlavor flavor) {
    this.runner = runner;
    this.flavor = flavor;
  }

  @Override
  public String name() {
    return flavor.name();
  }

  IptablesFlavor flavor() {
    return flavor;
  }

  /** The jump from PREROUTING, as iptables-save prints it. */
  static String jump(IpFamily family) {
    return "-d "
        + family.metadataHost()
        + " -p tcp -m tcp --dport "
        + IpFamily.METADATA_PORT
        + " -m comment --comment "
        + JUMP_COMMENT
        + " -j "
        + CHAIN;
  }

  /** The chain's rules, as iptables-save prints them. */
  static List<String> chainRules(RuleSpec wanted) {
    List<String> rules = new ArrayList<>();
    for (InterfaceMatch match : wanted.interfaces()) {
      rules.add(
          "-d "
              + wanted.family().metadataHost()
              + " "
              + match.iptables()
              + " -p tcp -m tcp --dport "
              + IpFamily.METADATA_PORT
              + " -j DNAT --to-destination "
              + wanted.destination());
    }
    return rules;
  }

  @Override
  public List<String> render(RuleSpec wanted) {
    List<String> lines = new ArrayList<>();
    lines.add("-A PREROUTING " + jump(wanted.family()));
    for (String rule : chainRules(wanted)) {
      lines.add("-A " + CHAIN + " " + rule);
    }
    return lines;
  }

  @Override
  public Observed inspect(RuleSpec wanted) {
    Installed installed = read(wanted.family());
    if (!installed.chainExists() && installed.jumps().isEmpty()) {
      return new Observed.Absent();
    }
    List<String> differences = new ArrayList<>();
    if (!installed.chainExists()) {
      differences.add("chain " + CHAIN + " is missing");
    }
    List<String> jumps = installed.jumps().stream().map(IptablesSave.Rule::spec).toList();
    if (!jumps.equals(List.of(jump(wanted.family())))) {
      differences.add(
          jumps.isEmpty() ? "the jump from PREROUTING is missing" : "PREROUTING jumps " + jumps);
    } else if (wanted.keepFirst() && !installed.ahead().isEmpty()) {
      differences.add(notFirst(installed.ahead()));
    }
    List<String> rules = installed.rules().stream().map(IptablesSave.Rule::spec).toList();
    if (!rules.equals(chainRules(wanted))) {
      differences.add(CHAIN + " holds " + rules);
    }
    if (!differences.isEmpty()) {
      return new Observed.Different(String.join("; ", differences));
    }
    return new Observed.InPlace(
        installed.rules().stream().mapToLong(IptablesSave.Rule::packets).sum());
  }

  @Override
  public void install(RuleSpec wanted) {
    IpFamily family = wanted.family();
    Installed installed = read(family);
    String jump = jump(family);
    StringBuilder input = new StringBuilder("*nat\n:" + CHAIN + " - [0:0]\n");
    List<String> jumps = installed.jumps().stream().map(IptablesSave.Rule::spec).toList();
    boolean moved = wanted.keepFirst() && !installed.ahead().isEmpty();
    if (!jumps.equals(List.of(jump)) || moved) {
      // Deleted and inserted at the top in the one transaction: no packet sees no jump.
      for (String stale : jumps) {
        input.append("-D PREROUTING ").append(stale).append('\n');
      }
      input.append("-I PREROUTING 1 ").append(jump).append('\n');
    }
    for (String rule : chainRules(wanted)) {
      input.append("-A ").append(CHAIN).append(' ').append(rule).append('\n');
    }
    input.append("COMMIT\n");
    restore(family, input.toString());
  }

  @Override
  public boolean remove(IpFamily family) {
    if (!runner.available(flavor.save(family))) {
      // No ip6tables of this kind on the node: nothing of Podium's can be in it.
      return false;
    }
    // Without -t: iptables-legacy-save -t nat would create the nat table of a kind the node does
    // not use; the whole dump lists only tables that exist.
    Installed installed = read(List.of(flavor.save(family), "-c"));
    if (!installed.chainExists() && installed.jumps().isEmpty()) {
      return false;
    }
    StringBuilder input = new StringBuilder("*nat\n");
    if (installed.chainExists()) {
      input.append(':').append(CHAIN).append(" - [0:0]\n");
    }
    for (IptablesSave.Rule stale : installed.jumps()) {
      input.append("-D PREROUTING ").append(stale.spec()).append('\n');
    }
    if (installed.chainExists()) {
      input.append("-X ").append(CHAIN).append('\n');
    }
    input.append("COMMIT\n");
    restore(family, input.toString());
    return true;
  }

  /**
   * What of Podium's the nat table holds.
   *
   * @param ahead the PREROUTING rules before the first jump to Podium's chain (all of them when
   *     there is no jump)
   */
  private record Installed(
      boolean chainExists,
      List<IptablesSave.Rule> jumps,
      List<IptablesSave.Rule> rules,
      List<String> ahead) {}

  /** The difference that names what sits before the jump, and how to live with Calico. */
  private static String notFirst(List<String> ahead) {
    StringBuilder difference =
        new StringBuilder("the jump from PREROUTING is not first: ")
            .append(ahead.size())
            .append(ahead.size() == 1 ? " rule comes before it " : " rules come before it ")
            .append(ahead.subList(0, Math.min(AHEAD_SHOWN, ahead.size())));
    if (ahead.size() > AHEAD_SHOWN) {
      difference.append(" and ").append(ahead.size() - AHEAD_SHOWN).append(" more");
    }
    if (ahead.stream().anyMatch(rule -> JUMPS_TO_CALICO.matcher(rule).find())) {
      difference.append(
          " (Calico's Felix keeps its own jump first too: run Podium with --no-keep-jump-first,"
              + " see docs/interception.md)");
    }
    return difference.toString();
  }

  private Installed read(IpFamily family) {
    return read(List.of(flavor.save(family), "-t", "nat", "-c"));
  }

  private Installed read(List<String> command) {
    String save = command.getFirst();
    CommandRunner.Result result = runner.run(command);
    if (!result.succeeded()) {
      throw new InterceptionException(
          save + " failed with exit code " + result.exitCode() + ": " + result.firstError());
    }
    IptablesSave.Table nat = IptablesSave.parse(result.stdout()).table("nat");
    List<IptablesSave.Rule> prerouting = nat.rulesOf("PREROUTING");
    List<IptablesSave.Rule> jumps =
        prerouting.stream().filter(rule -> JUMPS_TO_CHAIN.matcher(rule.spec()).find()).toList();
    List<String> ahead =
        prerouting.stream()
            .takeWhile(rule -> !JUMPS_TO_CHAIN.matcher(rule.spec()).find())
            .map(IptablesSave.Rule::spec)
            .toList();
    return new Installed(nat.chains().contains(CHAIN), jumps, nat.rulesOf(CHAIN), ahead);
  }

  private void restore(IpFamily family, String input) {
    String restore = flavor.restore(family);
    // --wait: iptables-legacy takes the xtables lock, which kube-proxy and CNIs also hold.
    CommandRunner.Result result = runner.run(List.of(restore, "--noflush", "--wait=10"), input);
    if (!result.succeeded()) {
      throw new InterceptionException(
          restore + " failed with exit code " + result.exitCode() + ": " + result.firstError());
    }
  }
}
