package io.podium.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.TreeSet;

/**
 * One scrape of a Podium process's {@code /metrics} over HTTP, as Prometheus makes it (the text
 * format), read by series and by family name.
 */
public final class Scrape {

  private final String text;

  private Scrape(String text) {
    this.text = text;
  }

  /** Scrapes {@code http://127.0.0.1:port/metrics}. */
  public static Scrape of(int port) throws IOException, InterruptedException {
    return new Scrape(get(port, "/metrics").body());
  }

  /** {@code GET path} on the operations port; the response as text. */
  public static HttpResponse<String> get(int port, String path)
      throws IOException, InterruptedException {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  /**
   * The sample's value, labels in the order the exporter writes them (alphabetical), e.g. {@code
   * value("podium_sts_calls_total{result=\"success\"}")}; 0 when absent.
   */
  public double value(String series) {
    return text.lines()
        .filter(line -> line.startsWith(series + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1).strip()))
        .findFirst()
        .orElse(0);
  }

  /** Whether some sample of exactly this series is exported. */
  public boolean has(String series) {
    return text.lines().anyMatch(line -> line.startsWith(series + " "));
  }

  /** The metric families exported, from their {@code # TYPE} lines. */
  public Set<String> families() {
    Set<String> names = new TreeSet<>();
    text.lines()
        .filter(line -> line.startsWith("# TYPE "))
        .forEach(line -> names.add(line.split(" ")[2]));
    return names;
  }

  public String text() {
    return text;
  }
}
