package io.podium.interception;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The output of {@code iptables-save} (iptables' machine-readable format), reduced to what Podium
 * needs: each table's chains and its rules, each rule as the text after {@code -A CHAIN} and with
 * its packet counter when {@code -c} was given. Rule texts are never taken apart further: Podium
 * compares them whole with the rules it renders in the same canonical form.
 */
record IptablesSave(Map<String, Table> tables) {

  /** One table: the chains it declares and its rules in order. */
  record Table(Set<String> chains, List<Rule> rules) {

    List<Rule> rulesOf(String chain) {
      return rules.stream().filter(rule -> rule.chain().equals(chain)).toList();
    }
  }

  /** One {@code -A} line. */
  record Rule(String chain, String spec, long packets) {}

  private static final Table EMPTY = new Table(Set.of(), List.of());

  // "[packets:bytes] -A CHAIN spec" (counters with -c only) or "-A CHAIN" with no matches at all.
  private static final Pattern RULE = Pattern.compile("(?:\\[(\\d+):\\d+\\] )?-A (\\S+)(?: (.*))?");

  static IptablesSave parse(String text) {
    Map<String, Table> tables = new LinkedHashMap<>();
    @Nullable Set<String> chains = null;
    @Nullable List<Rule> rules = null;
    for (String raw : text.lines().toList()) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.equals("COMMIT")) {
        continue;
      }
      if (line.startsWith("*")) {
        chains = new LinkedHashSet<>();
        rules = new ArrayList<>();
        tables.put(line.substring(1), new Table(chains, rules));
      } else if (chains == null || rules == null) {
        throw new InterceptionException("iptables-save printed a line outside a table: " + line);
      } else if (line.startsWith(":")) {
        int end = line.indexOf(' ');
        chains.add(end < 0 ? line.substring(1) : line.substring(1, end));
      } else {
        Matcher rule = RULE.matcher(line);
        if (!rule.matches()) {
          throw new InterceptionException(
              "iptables-save printed a line Podium cannot read: " + line);
        }
        long packets = rule.group(1) == null ? 0 : Long.parseLong(rule.group(1));
        rules.add(new Rule(rule.group(2), rule.group(3) == null ? "" : rule.group(3), packets));
      }
    }
    return new IptablesSave(Map.copyOf(tables));
  }

  Table table(String name) {
    return tables.getOrDefault(name, EMPTY);
  }

  /** Rules in every table: how much a backend is in use. */
  int ruleCount() {
    return tables.values().stream().mapToInt(table -> table.rules().size()).sum();
  }
}
