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
 * <p>The jump is inserted at the top of PREROUTING when it is missing, and left where it is after:
 * Calico's Felix also keeps its own jump first, and two programs that both insist on the top fight
 * forever. Only a rule that rewrote the metadata address before Podium's could matter, and no
 * common CNI or kube-proxy writes one.
 */
final class IptablesBackend implements RuleBackend {

  static final String CHAIN = "PODIUM-METADATA";

  private static final String JUMP_COMMENT = "\"podium: pod metadata traffic to the agent\"";
  private static final Pattern JUMPS_TO_CHAIN = Pattern.compile("(^| )-j " + CHAIN + "( |$)");

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
    if (!jumps.equals(List.of(jump))) {
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

  /** What of Podium's the nat table holds. */
  private record Installed(
      boolean chainExists, List<IptablesSave.Rule> jumps, List<IptablesSave.Rule> rules) {}

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
    List<IptablesSave.Rule> jumps =
        nat.rulesOf("PREROUTING").stream()
            .filter(rule -> JUMPS_TO_CHAIN.matcher(rule.spec()).find())
            .toList();
    return new Installed(nat.chains().contains(CHAIN), jumps, nat.rulesOf(CHAIN));
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
