package io.podium.aws;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads a registry as Prometheus scrapes it, so that tests check the exposed names too. */
final class ScrapedMetrics {

  private final String text;

  private ScrapedMetrics(String text) {
    this.text = text;
  }

  static ScrapedMetrics of(PrometheusRegistry registry) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ScrapedMetrics(out.toString(StandardCharsets.UTF_8));
  }

  /**
   * The sample's value, e.g. {@code value("podium_sts_calls_total{result=\"error\"}")}; 0 if
   * absent.
   */
  double value(String series) {
    return text.lines()
        .filter(line -> line.startsWith(series + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1).strip()))
        .findFirst()
        .orElse(0);
  }

  String text() {
    return text;
  }
}
