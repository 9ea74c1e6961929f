package io.podium.interception;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The interception as native nftables, for nodes without iptables: a table of Podium's own per
 * family ({@code ip podium}, {@code ip6 podium}) holding one nat chain on the prerouting hook, at
 * priority {@value #PRIORITY} — ahead of the usual dstnat (-100) of kube-proxy and iptables-nft, so
 * that Podium's DNAT decides first. Writes are one {@code nft -f} transaction: it refills the chain
 * when the table holds Podium's chain and nothing else (table and chain keep their place), and
 * otherwise declares, deletes and re-creates the table. Reads use {@code nft -j} (JSON) and compare
 * each rule's expressions with the wanted ones, counters aside.
 *
 * <p>Kept first: the kernel runs a hook's nat chains in priority order and the first that
 * translates a connection decides it, so another table's nat chain on prerouting at Podium's
 * priority or below (in the family's table or an {@code inet} one) could send pods' metadata
 * traffic elsewhere. When one exists, Podium's chain is re-created one below the lowest such chain;
 * when it is gone, back at {@value #PRIORITY}. Nat chains cannot run before conntrack ({@value
 * #CONNTRACK_PRIORITY}): a chain at {@value #LOWEST_PRIORITY} cannot be overtaken, and is reported.
 */
final class NftablesBackend implements RuleBackend {

  static final String TABLE = "podium";
  static final String CHAIN = "metadata";
  static final int PRIORITY = -110;

  /** Conntrack's priority on prerouting; nat chains must come after it. */
  static final int CONNTRACK_PRIORITY = -200;

  static final int LOWEST_PRIORITY = CONNTRACK_PRIORITY + 1;

  private final CommandRunner runner;
  private final JsonMapper json;

  NftablesBackend(CommandRunner runner, JsonMapper json) {
    this.runner = runner;
    this.json = json;
  }

  @Override
  public String name() {
    return "nftables";
  }

  /** The rules as nft's own syntax writes them, one per interface match. */
  static List<String> ruleLines(RuleSpec wanted) {
    List<String> rules = new ArrayList<>();
    for (InterfaceMatch match : wanted.interfaces()) {
      rules.add(
          match.nft()
              + " "
              + wanted.family().nftFamily()
              + " daddr "
              + IpLiterals.text(wanted.family().metadataAddress())
              + " tcp dport "
              + IpFamily.METADATA_PORT
              + " counter dnat to "
              + wanted.destination());
    }
    return rules;
  }

  /**
   * The {@code nft -f} script that refills Podium's chain with {@code wanted} when the table holds
   * that chain only: the table and chain keep their place and handles.
   */
  static String refill(RuleSpec wanted) {
    String chain = wanted.family().nftFamily() + " " + TABLE + " " + CHAIN;
    StringBuilder script = new StringBuilder("flush chain ").append(chain).append('\n');
    for (String rule : ruleLines(wanted)) {
      script.append("add rule ").append(chain).append(' ').append(rule).append('\n');
    }
    return script.toString();
  }

  /** The {@code nft -f} script that replaces the family's table with {@code wanted}. */
  static String script(RuleSpec wanted) {
    return script(wanted, PRIORITY);
  }

  /** The same, with Podium's chain at {@code priority}. */
  static String script(RuleSpec wanted, int priority) {
    String table = wanted.family().nftFamily() + " " + TABLE;
    StringBuilder script = new StringBuilder();
    // Declaring the table first makes the delete valid when the table does not exist yet.
    script.append("table ").append(table).append('\n');
    script.append("delete table ").append(table).append('\n');
    script.append("table ").append(table).append(" {\n");
    script.append("  chain ").append(CHAIN).append(" {\n");
    script
        .append("    type nat hook prerouting priority ")
        .append(priority)
        .append("; policy accept;\n");
    for (String rule : ruleLines(wanted)) {
      script.append("    ").append(rule).append('\n');
    }
    script.append("  }\n}\n");
    return script.toString();
  }

  @Override
  public List<String> render(RuleSpec wanted) {
    return script(wanted).lines().skip(2).toList();
  }

  @Override
  public Observed inspect(RuleSpec wanted) {
    IpFamily family = wanted.family();
    if (!tableExists(family)) {
      return new Observed.Absent();
    }
    Order order = order(wanted);
    JsonNode listing = list(List.of("nft", "-j", "list", "table", family.nftFamily(), TABLE));
    List<String> differences = new ArrayList<>();
    int chains = 0;
    List<JsonNode> rules = new ArrayList<>();
    for (JsonNode entry : listing.path("nftables")) {
      if (entry.has("chain")) {
        chains++;
        JsonNode chain = entry.get("chain");
        if (isOurChain(chain, order.priority())) {
          continue;
        }
        int priority = chain.path("prio").asInt();
        if (!isOurChain(chain, priority)) {
          differences.add("chain " + chain.path("name").asString() + " is not Podium's");
        } else if (order.ahead() != null) {
          differences.add(
              order.ahead() + " runs before Podium's chain (priority " + priority + ")");
        } else {
          differences.add(
              "Podium's chain is at priority "
                  + priority
                  + ", not "
                  + order.priority()
                  + (priority < order.priority() ? ": nothing runs before it any more" : ""));
        }
      } else if (entry.has("rule")) {
        rules.add(entry.get("rule"));
      }
    }
    if (chains == 0) {
      differences.add("chain " + CHAIN + " is missing");
    }
    List<JsonNode> wantedRules = expressions(wanted);
    long packets = 0;
    List<JsonNode> actualRules = new ArrayList<>();
    for (JsonNode rule : rules) {
      ArrayNode expressions = rule.path("expr").isArray() ? (ArrayNode) rule.get("expr") : null;
      if (expressions == null) {
        differences.add("a rule without expressions");
        continue;
      }
      ArrayNode normalized = expressions.deepCopy();
      for (JsonNode expression : normalized) {
        if (expression.has("counter") && expression instanceof ObjectNode object) {
          packets += expression.path("counter").path("packets").asLong();
          object.set("counter", zeroCounter());
        }
      }
      actualRules.add(normalized);
    }
    if (actualRules.size() != wantedRules.size()) {
      differences.add(
          "chain " + CHAIN + " holds " + actualRules.size() + " rules, not " + wantedRules.size());
    } else {
      for (int i = 0; i < actualRules.size(); i++) {
        if (!actualRules.get(i).equals(wantedRules.get(i))) {
          differences.add("rule " + (i + 1) + " is " + actualRules.get(i));
        }
      }
    }
    return differences.isEmpty()
        ? new Observed.InPlace(packets)
        : new Observed.Different(String.join("; ", differences));
  }

  @Override
  public void install(RuleSpec wanted) {
    int priority = order(wanted).priority();
    String script =
        holdsOurChainOnly(wanted.family(), priority) ? refill(wanted) : script(wanted, priority);
    CommandRunner.Result result = runner.run(List.of("nft", "-f", "-"), script);
    if (!result.succeeded()) {
      throw new InterceptionException(
          "nft -f failed with exit code " + result.exitCode() + ": " + result.firstError());
    }
  }

  @Override
  public boolean remove(IpFamily family) {
    if (!tableExists(family)) {
      return false;
    }
    CommandRunner.Result result =
        runner.run(List.of("nft", "delete", "table", family.nftFamily(), TABLE));
    if (!result.succeeded()) {
      throw new InterceptionException(
          "nft delete table failed with exit code "
              + result.exitCode()
              + ": "
              + result.firstError());
    }
    return true;
  }

  /** Whether the family has Podium's table; {@code nft list tables} is cheap on busy nodes. */
  boolean tableExists(IpFamily family) {
    JsonNode tables = list(List.of("nft", "-j", "list", "tables", family.nftFamily()));
    for (JsonNode entry : tables.path("nftables")) {
      JsonNode table = entry.path("table");
      if (TABLE.equals(table.path("name").asString(""))
          && family.nftFamily().equals(table.path("family").asString(""))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Where Podium's chain must run.
   *
   * @param priority the chain's wanted priority
   * @param ahead the other nat chain on prerouting that forced it below {@value #PRIORITY}, for the
   *     difference; {@code null} when none did
   */
  record Order(int priority, @Nullable String ahead) {}

  /**
   * The priority that puts Podium's chain before every other nat chain on the family's prerouting
   * hook ({@value #PRIORITY} when none is at or below it), or {@value #PRIORITY} when {@code
   * wanted} is not kept first.
   *
   * @throws InterceptionException when another nat chain already runs at {@value #LOWEST_PRIORITY},
   *     where nothing can run before it
   */
  Order order(RuleSpec wanted) {
    if (!wanted.keepFirst()) {
      return new Order(PRIORITY, null);
    }
    String family = wanted.family().nftFamily();
    // Every family's chains in one listing (no rules): an inet table's chains see both families.
    JsonNode chains = list(List.of("nft", "-j", "list", "chains"));
    JsonNode lowest = null;
    for (JsonNode entry : chains.path("nftables")) {
      JsonNode chain = entry.path("chain");
      String chainFamily = chain.path("family").asString("");
      boolean ours = family.equals(chainFamily) && TABLE.equals(chain.path("table").asString(""));
      if (!ours
          && (family.equals(chainFamily) || "inet".equals(chainFamily))
          && "nat".equals(chain.path("type").asString(""))
          && "prerouting".equals(chain.path("hook").asString(""))
          && chain.path("prio").isNumber()
          && chain.path("prio").asInt() <= PRIORITY
          && (lowest == null || chain.path("prio").asInt() < lowest.path("prio").asInt())) {
        lowest = chain;
      }
    }
    if (lowest == null) {
      return new Order(PRIORITY, null);
    }
    int priority = lowest.path("prio").asInt() - 1;
    String name =
        "nat chain "
            + lowest.path("family").asString()
            + " "
            + lowest.path("table").asString()
            + " "
            + lowest.path("name").asString()
            + " (priority "
            + lowest.path("prio").asInt()
            + ")";
    if (priority < LOWEST_PRIORITY) {
      throw new InterceptionException(
          name
              + " runs before Podium's and no nat chain can run before it (conntrack is at "
              + CONNTRACK_PRIORITY
              + "): it may send pods' metadata traffic elsewhere; remove it");
    }
    return new Order(priority, name);
  }

  /** Whether the family's table exists and holds exactly Podium's chain, as Podium made it. */
  private boolean holdsOurChainOnly(IpFamily family, int priority) {
    if (!tableExists(family)) {
      return false;
    }
    JsonNode listing = list(List.of("nft", "-j", "list", "table", family.nftFamily(), TABLE));
    List<JsonNode> chains = new ArrayList<>();
    for (JsonNode entry : listing.path("nftables")) {
      if (entry.has("chain")) {
        chains.add(entry.get("chain"));
      }
    }
    return chains.size() == 1 && isOurChain(chains.getFirst(), priority);
  }

  private static boolean isOurChain(JsonNode chain, int priority) {
    return CHAIN.equals(chain.path("name").asString(""))
        && "nat".equals(chain.path("type").asString(""))
        && "prerouting".equals(chain.path("hook").asString(""))
        && chain.path("prio").isNumber()
        && chain.path("prio").asInt() == priority
        && "accept".equals(chain.path("policy").asString(""));
  }

  /** Each wanted rule as {@code nft -j} prints its expressions, with a zero counter. */
  List<JsonNode> expressions(RuleSpec wanted) {
    IpFamily family = wanted.family();
    List<JsonNode> rules = new ArrayList<>();
    for (InterfaceMatch match : wanted.interfaces()) {
      ArrayNode expressions = json.createArrayNode();
      expressions.add(
          match(
              match.nftOperator(),
              json.createObjectNode().set("meta", json.createObjectNode().put("key", "iifname")),
              json.getNodeFactory().stringNode(match.nftPattern())));
      expressions.add(
          match(
              "==",
              payload(family.nftFamily(), "daddr"),
              json.getNodeFactory().stringNode(IpLiterals.text(family.metadataAddress()))));
      expressions.add(
          match(
              "==",
              payload("tcp", "dport"),
              json.getNodeFactory().numberNode(IpFamily.METADATA_PORT)));
      expressions.add(json.createObjectNode().set("counter", zeroCounter()));
      expressions.add(
          json.createObjectNode()
              .set(
                  "dnat",
                  json.createObjectNode()
                      .put("addr", IpLiterals.text(wanted.target()))
                      .put("port", wanted.port())));
      rules.add(expressions);
    }
    return rules;
  }

  private ObjectNode match(String operator, JsonNode left, JsonNode right) {
    ObjectNode match = json.createObjectNode().put("op", operator);
    match.set("left", left);
    match.set("right", right);
    return json.createObjectNode().set("match", match);
  }

  private ObjectNode payload(String protocol, String field) {
    return json.createObjectNode()
        .set("payload", json.createObjectNode().put("protocol", protocol).put("field", field));
  }

  private ObjectNode zeroCounter() {
    return json.createObjectNode().put("packets", 0).put("bytes", 0);
  }

  private JsonNode list(List<String> command) {
    CommandRunner.Result result = runner.run(command);
    if (!result.succeeded()) {
      throw new InterceptionException(
          String.join(" ", command)
              + " failed with exit code "
              + result.exitCode()
              + ": "
              + result.firstError());
    }
    try {
      return json.readTree(result.stdout());
    } catch (JacksonException e) {
      throw new InterceptionException(
          String.join(" ", command) + " printed JSON Podium cannot read: " + e.getOriginalMessage(),
          e);
    }
  }
}
