package io.podium.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A process's JSON log lines (logback's JsonEncoder: one object per line), parsed with Jackson:
 * every line must be JSON, and the records can be filtered by logger and read by MDC key.
 */
public final class JsonLogs {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final List<JsonNode> records;

  private JsonLogs(List<JsonNode> records) {
    this.records = records;
  }

  /**
   * Parses every non-blank line of {@code output}.
   *
   * @throws AssertionError naming the first line that is not a JSON object
   */
  public static JsonLogs parse(String output) {
    List<JsonNode> records = new ArrayList<>();
    for (String line : output.lines().toList()) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode node;
      try {
        node = JSON.readTree(line);
      } catch (RuntimeException e) {
        throw new AssertionError("not a JSON log line: " + line, e);
      }
      if (!node.isObject()) {
        throw new AssertionError("not a JSON object: " + line);
      }
      records.add(node);
    }
    return new JsonLogs(records);
  }

  public List<JsonNode> records() {
    return records;
  }

  /** The records of one logger, e.g. {@code podium.audit}. */
  public List<JsonNode> from(String loggerName) {
    return records.stream()
        .filter(record -> loggerName.equals(record.path("loggerName").asString()))
        .toList();
  }

  /** Every MDC key any record carries. */
  public Set<String> mdcKeys() {
    Set<String> keys = new TreeSet<>();
    for (JsonNode record : records) {
      for (Map.Entry<String, JsonNode> entry : record.path("mdc").properties()) {
        keys.add(entry.getKey());
      }
    }
    return keys;
  }

  /** One record's MDC value, or null. */
  public static String mdc(JsonNode record, String key) {
    JsonNode value = record.path("mdc").get(key);
    return value == null ? null : value.asString();
  }
}
