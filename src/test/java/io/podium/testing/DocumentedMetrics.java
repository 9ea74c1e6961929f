package io.podium.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The metric names docs/metrics.md documents: the first column of its tables. */
public final class DocumentedMetrics {

  private static final Pattern ROW = Pattern.compile("^\\| `([a-z_:][a-z0-9_:]*)` \\|");

  private DocumentedMetrics() {}

  public static Set<String> names() throws IOException {
    Set<String> names = new TreeSet<>();
    for (String line : Files.readAllLines(Path.of("docs/metrics.md"))) {
      Matcher row = ROW.matcher(line);
      if (row.find()) {
        names.add(row.group(1));
      }
    }
    return names;
  }
}
