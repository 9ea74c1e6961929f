package io.podium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.testing.DocumentedMetrics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * deploy/grafana/podium.json: every PromQL expression uses documented metrics only, and the panels
 * cover what a platform team watches (requests, latency, cache, STS, sessions, pods, conflicts, the
 * rule, agent-server streams, certificates).
 */
class GrafanaDashboardTest {

  private static final Set<String> PROMQL_WORDS =
      Set.of(
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "bool",
          "and",
          "or",
          "unless",
          "offset",
          "inf",
          "nan");
  private static final Pattern IDENTIFIER =
      Pattern.compile("(?<![\\w$:])([a-zA-Z_:][a-zA-Z0-9_:]*+)(?!\\s*\\()");

  private static JsonNode dashboard() {
    return JsonMapper.builder().build().readTree(Path.of("deploy/grafana/podium.json").toFile());
  }

  private static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> panels = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      panels.add(panel);
      for (JsonNode nested : panel.path("panels")) {
        panels.add(nested);
      }
    }
    return panels;
  }

  static List<String> expressions(JsonNode dashboard) {
    List<String> expressions = new ArrayList<>();
    for (JsonNode panel : panels(dashboard)) {
      for (JsonNode target : panel.path("targets")) {
        expressions.add(target.path("expr").asString());
      }
    }
    return expressions;
  }

  /**
   * The metric names a PromQL expression selects: identifiers left once strings, label matchers,
   * range selectors and grouping clauses are removed, that are neither functions nor keywords.
   */
  static Set<String> metricNames(String expr) {
    String text =
        expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
            .replaceAll("\\{[^}]*}", " ")
            .replaceAll("\\[[^]]*]", " ")
            .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> names = new TreeSet<>();
    Matcher matcher = IDENTIFIER.matcher(text);
    while (matcher.find()) {
      String word = matcher.group(1);
      if (!PROMQL_WORDS.contains(word.toLowerCase(Locale.ROOT))) {
        names.add(word);
      }
    }
    return names;
  }

  /** A series name's family: histograms and summaries export _bucket, _sum and _count. */
  static String family(String series, Set<String> documented) {
    if (documented.contains(series)) {
      return series;
    }
    for (String suffix : List.of("_bucket", "_sum", "_count")) {
      if (series.endsWith(suffix)) {
        return series.substring(0, series.length() - suffix.length());
      }
    }
    return series;
  }

  @Test
  void theExtractorFindsMetricsAndNothingElse() {
    assertThat(
            metricNames(
                "histogram_quantile(0.99, sum by (le, route)"
                    + " (rate(podium_metadata_request_duration_seconds_bucket{instance=~\"a|b\"}"
                    + "[$__rate_interval])))"))
        .containsExactly("podium_metadata_request_duration_seconds_bucket");
    assertThat(
            metricNames(
                "min by (instance) (podium_tls_certificate_expiry_timestamp_seconds) - time()"))
        .containsExactly("podium_tls_certificate_expiry_timestamp_seconds");
    assertThat(metricNames("sum(rate(a_total{x=\"y\"}[5m])) / sum(rate(b_total[5m])) > bool 0"))
        .containsExactly("a_total", "b_total");
  }

  @Test
  void everyExpressionUsesDocumentedMetricsOnly() throws Exception {
    Set<String> documented = DocumentedMetrics.names();
    List<String> expressions = expressions(dashboard());

    assertThat(expressions).hasSizeGreaterThanOrEqualTo(30);
    for (String expr : expressions) {
      Set<String> names = metricNames(expr);
      assertThat(names).as("metrics in %s", expr).isNotEmpty();
      for (String name : names) {
        assertThat(documented)
            .as("%s (in %s) is documented in docs/metrics.md", name, expr)
            .contains(family(name, documented));
      }
    }
  }

  @Test
  void thePanelsCoverWhatAPlatformTeamWatches() throws Exception {
    Set<String> documented = DocumentedMetrics.names();
    Set<String> used = new TreeSet<>();
    for (String expr : expressions(dashboard())) {
      metricNames(expr).forEach(name -> used.add(family(name, documented)));
    }

    assertThat(used)
        .contains(
            "podium_metadata_requests_total",
            "podium_metadata_request_duration_seconds",
            "podium_credentials_cache_lookups_total",
            "podium_credentials_sessions",
            "podium_sts_calls_total",
            "podium_sts_errors_total",
            "podium_sts_throttles_total",
            "podium_kubernetes_pods",
            "podium_kubernetes_ip_conflicts_total",
            "podium_interception_rule_present",
            "podium_interception_matched_packets_total",
            "podium_agent_servers",
            "podium_server_agent_streams",
            "podium_tls_certificate_expiry_timestamp_seconds",
            "podium_health_check_passing");
  }

  @Test
  void everyPanelQueriesThePrometheusVariableAndHasAPlace() {
    JsonNode dashboard = dashboard();
    Set<Integer> ids = new TreeSet<>();

    assertThat(dashboard.path("uid").asString()).isEqualTo("podium");
    assertThat(dashboard.path("templating").path("list"))
        .anySatisfy(v -> assertThat(v.path("name").asString()).isEqualTo("datasource"));
    for (JsonNode panel : panels(dashboard)) {
      assertThat(ids.add(panel.path("id").asInt())).as("unique panel id").isTrue();
      assertThat(panel.path("gridPos").path("w").asInt()).isBetween(1, 24);
      if (!panel.path("type").asString().equals("row")) {
        assertThat(panel.path("datasource").path("uid").asString()).isEqualTo("${datasource}");
        assertThat(panel.path("targets")).isNotEmpty();
      }
    }
  }
}
