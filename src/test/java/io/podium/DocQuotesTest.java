package io.podium;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.podium.cli.PodiumCommand;
import io.podium.core.CallerCredentials;
import io.podium.core.CallerReasons;
import io.podium.core.CredentialOutcome;
import io.podium.core.RoleDecider;
import io.podium.core.RoleOutcome;
import io.podium.core.broker.StsCallException;
import io.podium.core.pod.PodIdentity;
import io.podium.core.pod.PodLookup;
import io.podium.core.role.AllowedRoles;
import io.podium.core.role.NamespacePolicy;
import io.podium.core.role.RoleBaseArn;
import io.podium.core.role.RolePolicy;
import io.podium.core.role.RoleResolver;
import io.podium.core.session.SessionRequestFactory;
import io.podium.imds.ImdsDocuments;
import io.podium.imds.MetadataServer;
import io.podium.imds.MetadataSettings;
import io.podium.testing.LogCapture;
import io.podium.testing.TestPods;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every response body, log message and error message the docs quote is what the code says.
 *
 * <p>The convention: a line {@code <!-- quotes: KIND, column N (DocQuotesTest) -->} right before a
 * Markdown table marks every inline code span in column N of that table as a quote of kind KIND. In
 * a quote, {@code …} stands for any text (an argument, or words left out), {@code <word>}, {@code
 * X}, {@code Y} and {@code FILE} are placeholders, and {@code 403|503} or {@code 400/413/415} are
 * alternatives, each of which must be true. A quote must match a whole text the code makes: what
 * the process answers or logs when this test drives it (the metadata API on loopback, the commands'
 * refusals), or else a message format or string constant in the source of the class that makes it,
 * whose arguments match anything.
 */
class DocQuotesTest {

  private static final Pattern MARKER =
      Pattern.compile("<!-- quotes: ([a-z-]+), column (\\d+) \\(DocQuotesTest\\) -->");
  private static final Pattern CODE_SPAN = Pattern.compile("`([^`]+)`");
  private static final Set<String> KINDS =
      Set.of("metadata-answers", "log-lines", "start-up-errors", "webhook");

  /** The address the docs' examples give the calling pod; this test's callers are on loopback. */
  private static final String EXAMPLE_POD_IP = "10.0.3.7";

  private static final Optional<RoleBaseArn> BASE =
      Optional.of(RoleBaseArn.parse("arn:aws:iam::123456789012:role/"));

  @RegisterExtension final LogCapture logs = new LogCapture();
  @TempDir Path dir;

  /** One quote of the docs. */
  record Quote(Path doc, int line, String kind, String text) {
    @Override
    public String toString() {
      return doc + ":" + line + " `" + text + "`";
    }
  }

  @Test
  void everyMarkedTableIsOfAKindThisTestChecks() throws IOException {
    List<Quote> quotes = quotes();

    assertThat(quotes).extracting(Quote::kind).allMatch(KINDS::contains);
    assertThat(quotes.stream().map(Quote::kind).distinct())
        .containsExactlyInAnyOrderElementsOf(KINDS);
  }

  @Test
  void metadataApiBodiesAreWhatTheServerAnswers() throws Exception {
    List<String> texts = new ArrayList<>(metadataAnswers());
    texts.addAll(constants("imds/Rejection", "imds/Route", "imds/Exchange"));
    texts.addAll(constants("agent/RemoteCallerCredentials", "kubernetes/KubernetesPodEvents"));
    texts.addAll(constants("aws/StsErrorMapping", "stsemulator/StsError"));
    for (RoleOutcome.Refusal refusal : RoleOutcome.Refusal.values()) {
      texts.add(refusal.name());
    }

    assertQuotesMatch("metadata-answers", texts);
  }

  @Test
  void logLinesAreWhatTheCodeLogs() throws Exception {
    // The metadata API's lines as it logs them; the rest from their formats.
    List<String> texts = new ArrayList<>(metadataAnswers());
    texts.addAll(
        constants(
            "imds/LogContext",
            "core/broker/CredentialBroker",
            "core/broker/StsCallQueue",
            "kubernetes/ClusterView",
            "kubernetes/InformerPodDirectory",
            "kubernetes/KubernetesPodEvents",
            "cli/CredentialOptions",
            "interception/RuleManager",
            "server/AgentAuthentication",
            "server/NodeCredentialsService",
            "server/AgentStream",
            "agent/ServerLink"));

    assertQuotesMatch("log-lines", texts);
  }

  @Test
  void startUpErrorsAreWhatTheCommandsSay() throws Exception {
    List<String> texts = new ArrayList<>(commandRefusals());
    texts.addAll(
        constants(
            "cli/StartFailures",
            "kubernetes/InformerPodDirectory",
            "cli/RulesOnce",
            "imds/MetadataServer",
            "ops/OpsServer",
            "webhook/WebhookServer"));

    assertQuotesMatch("start-up-errors", texts);
  }

  @Test
  void webhookAnswersAreWhatTheWebhookSays() throws Exception {
    List<String> texts = new ArrayList<>();
    for (String warning : constants("webhook/PodMutation")) {
      // kubectl shows an AdmissionResponse's warnings so.
      texts.add("Warning: " + warning);
      texts.add(warning);
    }
    texts.add(policyDenied().reason());
    texts.addAll(
        constants(
            "kubernetes/InformerServiceAccountDirectory",
            "webhook/MutateHandler",
            "webhook/WebhookAggregator",
            "webhook/WebhookSettings",
            "kubernetes/KubernetesServiceAccountEvents"));

    assertQuotesMatch("webhook", texts);
  }

  // --- what the code says, driven --------------------------------------------------------------

  /** The metadata API on loopback answering each refusal, with what it logged meanwhile. */
  private List<String> metadataAnswers() throws Exception {
    RoleDecider decider =
        new RoleDecider(
            new RoleResolver(BASE, Optional.empty()),
            new RolePolicy(true),
            SessionRequestFactory.withDefaults());
    PodIdentity web =
        TestPods.running("shop", "web").withIp(EXAMPLE_POD_IP).withRole("web").build();
    RoleOutcome.Permitted permitted =
        (RoleOutcome.Permitted)
            decider.decide(web, NamespacePolicy.compile("shop", ".*", AllowedRoles.ABSENT, BASE));
    List<CredentialOutcome<ImdsDocuments>> outcomes = new ArrayList<>();
    for (RoleOutcome outcome :
        List.of(
            CallerReasons.withoutPod(new PodLookup.HostAddress("the node's address")),
            CallerReasons.withoutPod(new PodLookup.NotFound("no pod holds it")),
            CallerReasons.withoutPod(
                new PodLookup.Ambiguous(
                    List.of(web, TestPods.running("shop", "old").withIp(EXAMPLE_POD_IP).build()))),
            policyDenied(),
            decider.decide(
                TestPods.running("shop", "bad").withRole("no such role!").build(),
                NamespacePolicy.compile("shop", ".*", AllowedRoles.ABSENT, BASE)),
            new RoleOutcome.NoRole(web))) {
      outcomes.add(new CredentialOutcome.NotIssued<>(outcome));
    }
    outcomes.add(
        new CredentialOutcome.StsFailed<>(
            permitted, new StsCallException.AccessDenied("AccessDenied", "not trusted", null)));
    outcomes.add(
        new CredentialOutcome.StsFailed<>(
            permitted, new StsCallException.Throttled("Throttling", "Rate exceeded", null)));

    List<String> texts = new ArrayList<>();
    OneOutcome callers = new OneOutcome();
    try (MetadataServer server =
        new MetadataServer(
                MetadataSettings.builder()
                    .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .build(),
                callers,
                new PrometheusRegistry(),
                Clock.systemUTC())
            .start()) {
      HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
      for (CredentialOutcome<ImdsDocuments> outcome : outcomes) {
        callers.outcome = outcome;
        String path =
            outcome instanceof CredentialOutcome.StsFailed
                ? "/latest/meta-data/iam/security-credentials/web"
                : "/latest/meta-data/iam/security-credentials/";
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s", outcome).isIn(403, 404, 503);
        texts.add(response.body());
      }
    }
    for (ILoggingEvent event : logs.events()) {
      texts.add(event.getFormattedMessage().replace("127.0.0.1", EXAMPLE_POD_IP));
    }
    return texts;
  }

  private static RoleOutcome.Refused policyDenied() {
    RoleDecider decider =
        new RoleDecider(
            new RoleResolver(BASE, Optional.empty()),
            new RolePolicy(true),
            SessionRequestFactory.withDefaults());
    return (RoleOutcome.Refused)
        decider.decide(
            TestPods.running("shop", "web").withRole("admin").build(),
            NamespacePolicy.compile("shop", "web-.*", AllowedRoles.ABSENT, BASE));
  }

  /** Whatever the test sets: one outcome for every caller. */
  private static final class OneOutcome implements CallerCredentials<ImdsDocuments> {
    volatile CredentialOutcome<ImdsDocuments> outcome =
        new CredentialOutcome.NotIssued<>(new RoleOutcome.Unavailable("not set"));

    @Override
    public CompletionStage<RoleOutcome> role(InetAddress caller) {
      return CompletableFuture.completedFuture(
          switch (outcome) {
            case CredentialOutcome.NotIssued<ImdsDocuments> notIssued -> notIssued.outcome();
            case CredentialOutcome.StsFailed<ImdsDocuments> failed -> failed.permitted();
            case CredentialOutcome.Issued<ImdsDocuments> issued -> issued.permitted();
          });
    }

    @Override
    public CompletionStage<CredentialOutcome<ImdsDocuments>> credentials(InetAddress caller) {
      return CompletableFuture.completedFuture(outcome);
    }
  }

  /** What the commands print (stderr) and log when refusing to start, none of them starting. */
  private List<String> commandRefusals() throws IOException {
    Path broken = Files.writeString(dir.resolve("broken.yaml"), "kind: Pod\nmetadata: [\n");
    Path pods =
        Files.writeString(dir.resolve("pods.yaml"), "kind: Namespace\nmetadata: {name: dev}\n");
    List<String> texts = new ArrayList<>();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String takenPort = "127.0.0.1:" + taken.getLocalPort();
      List<List<String>> runs =
          List.of(
              List.of("standalone", "--pods-file", pods.toString()),
              List.of("standalone", "--regoin", "us-east-1"),
              List.of(
                  "standalone",
                  "--base-role-arn",
                  "arn:aws:iam::123456789012:role/",
                  "--region",
                  "us-east-1",
                  "--pods-file",
                  pods.toString()),
              List.of("standalone", "--region", "us-east-1", "--resolve-duplicate-cache-ips"),
              List.of("standalone", "--region", "us-east-1", "--pods-file", broken.toString()),
              List.of(
                  "standalone",
                  "--region",
                  "us-east-1",
                  "--pods-file",
                  pods.toString(),
                  "--imds-listen",
                  takenPort),
              List.of(
                  "standalone",
                  "--region",
                  "us-east-1",
                  "--iptables",
                  "--pods-file",
                  pods.toString()),
              List.of(
                  "standalone",
                  "--region",
                  "us-east-1",
                  "--iptables",
                  "--host-ip",
                  "10.0.0.1",
                  "--imds-listen",
                  "127.0.0.1:0",
                  "--pods-file",
                  pods.toString()),
              List.of(
                  "standalone",
                  "--region",
                  "us-east-1",
                  "--audit-log",
                  dir.resolve("missing/audit.log").toString(),
                  "--pods-file",
                  pods.toString()),
              List.of(
                  "standalone",
                  "--region",
                  "us-east-1",
                  "--session-duration",
                  "15m",
                  "--min-remaining",
                  "20m",
                  "--pods-file",
                  pods.toString()),
              List.of(
                  "standalone",
                  "--region",
                  "us-east-1",
                  "--assume-role-arn",
                  "arn:aws:iam::123456789012:role/podium",
                  "--session-duration",
                  "2h",
                  "--pods-file",
                  pods.toString()));
      for (List<String> args : runs) {
        CommandLine commandLine = PodiumCommand.commandLine();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(new StringWriter()));
        commandLine.setErr(new PrintWriter(err));
        int code = commandLine.execute(args.toArray(String[]::new));
        assertThat(code).as("exit code of %s", args).isEqualTo(2);
        err.toString()
            .lines()
            .map(line -> line.replace(pods.toString(), "FILE"))
            .forEach(texts::add);
      }
    }
    for (ILoggingEvent event : logs.events()) {
      texts.add(event.getFormattedMessage());
    }
    return texts;
  }

  // --- what the code says, read from its source --------------------------------------------------

  /**
   * The string constants and message formats of the given sources ({@code src/main/java/io/podium/}
   * + path + {@code .java}): each string literal, with the literals and expressions concatenated to
   * it, an expression and a placeholder {@code {}} becoming {@code …}.
   */
  static List<String> constants(String... sources) throws IOException {
    List<String> texts = new ArrayList<>();
    for (String source : sources) {
      Path file = Path.of("src/main/java/io/podium/" + source + ".java");
      assertThat(file).as("source %s", source).exists();
      texts.addAll(concatenations(Files.readString(file)));
    }
    return texts;
  }

  static List<String> concatenations(String java) {
    List<String> texts = new ArrayList<>();
    int i = 0;
    while (i < java.length()) {
      char c = java.charAt(i);
      if (c == '/' && java.startsWith("//", i)) {
        i = java.indexOf('\n', i);
        i = i < 0 ? java.length() : i;
      } else if (c == '/' && java.startsWith("/*", i)) {
        i = java.indexOf("*/", i) + 2;
      } else if (c == '\'') {
        i = java.charAt(i + 1) == '\\' ? java.indexOf('\'', i + 3) + 1 : i + 3;
      } else if (c == '"' && java.startsWith("\"\"\"", i)) {
        i = java.indexOf("\"\"\"", i + 3) + 3;
      } else if (c == '"') {
        StringBuilder text = new StringBuilder();
        int before = i - 1;
        while (before >= 0 && Character.isWhitespace(java.charAt(before))) {
          before--;
        }
        if (before >= 0 && java.charAt(before) == '+') {
          text.append('…'); // an expression ahead of the literal
        }
        i = chain(java, i, text);
        String constant = text.toString().replace("{}", "…");
        // A text with no words of its own ("…" as an abbreviation's end) says nothing to match.
        if (constant.replace("…", "").strip().length() >= 3) {
          texts.add(constant);
        }
      } else {
        i++;
      }
    }
    return texts;
  }

  /** Reads the concatenation starting with the literal at {@code i} into {@code text}. */
  private static int chain(String java, int i, StringBuilder text) {
    while (true) {
      if (java.charAt(i) == '"') {
        i = literal(java, i, text);
      } else {
        i = expression(java, i);
        text.append('…');
      }
      int next = skipBlank(java, i);
      if (next >= java.length() || java.charAt(next) != '+' || java.startsWith("++", next)) {
        return i;
      }
      i = skipBlank(java, next + 1);
    }
  }

  private static int literal(String java, int i, StringBuilder text) {
    i++;
    while (java.charAt(i) != '"') {
      char c = java.charAt(i);
      if (c == '\\') {
        char escaped = java.charAt(i + 1);
        text.append(
            switch (escaped) {
              case 'n' -> '\n';
              case 't' -> '\t';
              default -> escaped;
            });
        i += 2;
      } else {
        text.append(c);
        i++;
      }
    }
    return i + 1;
  }

  /** The end of a Java expression operand: up to a {@code +}, {@code ,} or {@code ;} at depth 0. */
  private static int expression(String java, int i) {
    int depth = 0;
    while (i < java.length()) {
      char c = java.charAt(i);
      if (c == '"') {
        i = literal(java, i, new StringBuilder());
        continue;
      }
      if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        if (depth == 0) {
          return i;
        }
        depth--;
      } else if (depth == 0 && (c == '+' || c == ',' || c == ';' || c == ':' || c == '?')) {
        return i;
      }
      i++;
    }
    return i;
  }

  private static int skipBlank(String java, int i) {
    while (i < java.length() && Character.isWhitespace(java.charAt(i))) {
      i++;
    }
    return i;
  }

  // --- the docs' side
  // ------------------------------------------------------------------------------

  static List<Quote> quotes() throws IOException {
    List<Path> docs = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of("docs"))) {
      files.filter(file -> file.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    docs.add(Path.of("README.md"));
    List<Quote> quotes = new ArrayList<>();
    for (Path doc : docs) {
      List<String> lines = Files.readAllLines(doc);
      for (int i = 0; i < lines.size(); i++) {
        Matcher marker = MARKER.matcher(lines.get(i));
        if (!marker.find()) {
          continue;
        }
        String kind = marker.group(1);
        int column = Integer.parseInt(marker.group(2));
        int row = i + 1;
        assertThat(row < lines.size() && lines.get(row).startsWith("|"))
            .as("%s:%d: a table right after the marker", doc, row + 1)
            .isTrue();
        for (; row < lines.size() && lines.get(row).startsWith("|"); row++) {
          if (row <= i + 2) {
            continue; // the header and the delimiter row
          }
          String cell = cells(lines.get(row)).get(column - 1);
          Matcher span = CODE_SPAN.matcher(cell);
          while (span.find()) {
            quotes.add(new Quote(doc, row + 1, kind, span.group(1).replace("\\|", "|")));
          }
        }
      }
    }
    return quotes;
  }

  /** A table row's cells, {@code \|} not splitting one. */
  private static List<String> cells(String row) {
    List<String> cells = new ArrayList<>(List.of(row.strip().split("(?<!\\\\)\\|", -1)));
    return cells.subList(1, cells.size() - 1);
  }

  // --- matching ----------------------------------------------------------------------------------

  private static final char ANY = '\uE000';
  private static final Pattern PLACEHOLDER =
      Pattern.compile("<[a-z ]+>|(?<![\\w-])(?:X|Y|FILE)(?![\\w-])|(?<=\\.)\\*|…");
  private static final Pattern ALTERNATIVES = Pattern.compile("\\b\\d+(?:[|/]\\d+)+\\b");

  private void assertQuotesMatch(String kind, List<String> texts) throws IOException {
    List<Quote> quotes = quotes().stream().filter(quote -> quote.kind().equals(kind)).toList();
    assertThat(quotes).as("quotes of kind %s", kind).isNotEmpty();
    List<String> patterns = texts.stream().map(DocQuotesTest::codeSide).distinct().toList();
    Set<String> unmatched = new TreeSet<>();
    for (Quote quote : quotes) {
      // Header names are any case; an example writes them as AWS's documentation does.
      boolean header = quote.text().matches("X-[\\w-]+");
      for (String variant : variants(quote.text())) {
        String doc = docSide(header ? variant.toLowerCase(Locale.ROOT) : variant);
        if (patterns.stream()
            .noneMatch(code -> intersect(doc, header ? code.toLowerCase(Locale.ROOT) : code))) {
          unmatched.add(quote + (variant.equals(quote.text()) ? "" : " (as " + variant + ")"));
        }
      }
    }
    assertThat(unmatched)
        .as(
            "quotes of kind %s that nothing the code says matches; what it says:%n%s",
            kind, String.join("\n", closest(quotes, texts)))
        .isEmpty();
  }

  /** What a failure shows: the code's texts that share a word-pair with a quote. */
  private static Set<String> closest(List<Quote> quotes, List<String> texts) {
    Set<String> near = new LinkedHashSet<>();
    for (Quote quote : quotes) {
      String[] words = quote.text().split("[ …]+");
      for (int w = 0; w + 1 < words.length; w++) {
        String pair = words[w] + " " + words[w + 1];
        texts.stream().filter(text -> text.contains(pair)).limit(3).forEach(near::add);
      }
    }
    return near;
  }

  /** One text per alternative: {@code 403|503} is two quotes, one with each. */
  static List<String> variants(String quote) {
    Matcher alternatives = ALTERNATIVES.matcher(quote);
    if (!alternatives.find()) {
      return List.of(quote);
    }
    List<String> variants = new ArrayList<>();
    for (String one : alternatives.group().split("[|/]")) {
      variants.addAll(
          variants(
              quote.substring(0, alternatives.start())
                  + one
                  + quote.substring(alternatives.end())));
    }
    return variants;
  }

  private static String docSide(String quote) {
    return PLACEHOLDER.matcher(quote).replaceAll(Matcher.quoteReplacement(String.valueOf(ANY)));
  }

  private static String codeSide(String text) {
    return text.replace('…', ANY);
  }

  /**
   * Whether some text matches both patterns, in which {@link #ANY} stands for any text: what a
   * quote with elisions and a format with arguments have in common.
   */
  static boolean intersect(String a, String b) {
    return intersect(a, 0, b, 0, new HashMap<>());
  }

  private static boolean intersect(String a, int i, String b, int j, Map<Long, Boolean> memo) {
    long key = ((long) i << 32) | j;
    Boolean known = memo.get(key);
    if (known != null) {
      return known;
    }
    boolean result;
    if (i == a.length() && j == b.length()) {
      result = true;
    } else if (i < a.length() && a.charAt(i) == ANY) {
      result =
          intersect(a, i + 1, b, j, memo) || (j < b.length() && intersect(a, i, b, j + 1, memo));
    } else if (j < b.length() && b.charAt(j) == ANY) {
      result =
          intersect(a, i, b, j + 1, memo) || (i < a.length() && intersect(a, i + 1, b, j, memo));
    } else {
      result =
          i < a.length()
              && j < b.length()
              && a.charAt(i) == b.charAt(j)
              && intersect(a, i + 1, b, j + 1, memo);
    }
    memo.put(key, result);
    return result;
  }
}
