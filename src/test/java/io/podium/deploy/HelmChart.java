package io.podium.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * charts/podium through the real Helm engine (helm-java bundles Helm's Go library): rendered as
 * {@code helm template} renders it, and linted as {@code helm lint} lints it.
 */
final class HelmChart {

  static final Path CHART = Path.of("charts/podium");
  static final String RELEASE = "podium";

  /** One rendered document and the template it came from. */
  record Document(String source, String yaml) {
    HasMetadata object() {
      return new KubernetesSerialization().unmarshal(yaml);
    }
  }

  private HelmChart() {}

  /** {@code helm template podium charts/podium --namespace NS -f VALUES}. */
  static String render(String namespace, Path values) {
    return render(namespace, values, Map.of());
  }

  /** {@code helm template podium charts/podium --namespace NS -f VALUES --set KEY=VALUE ...}. */
  static String render(String namespace, Path values, Map<String, String> set) {
    TemplateCommand template =
        new Helm(CHART)
            .template()
            .withName(RELEASE)
            .withNamespace(namespace)
            .withValuesFile(values);
    set.forEach(template::set);
    // Nothing rendered (every template switched off) comes back as null.
    String rendered = template.call();
    return rendered == null ? "" : rendered;
  }

  /** {@code helm lint CHART}. */
  static LintResult lint(Path chart) {
    return new Helm(chart).lint().call();
  }

  /**
   * A copy of charts/podium in {@code directory} whose values.yaml is edited, for what {@code helm
   * lint} offers no {@code --set} for in helm-java.
   */
  static Path copyWithValues(Path directory, UnaryOperator<String> edit) throws IOException {
    try (Stream<Path> files = Files.walk(CHART)) {
      for (Path file : files.toList()) {
        Path target = directory.resolve(CHART.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
    Path values = directory.resolve("values.yaml");
    String before = Files.readString(values);
    String after = edit.apply(before);
    if (after.equals(before)) {
      throw new IllegalArgumentException("the edit changed nothing in values.yaml");
    }
    Files.writeString(values, after);
    return directory;
  }

  /**
   * The documents of a rendering, each with its {@code # Source:} template path (relative to the
   * chart, e.g. {@code templates/agent.yaml}); empty documents are dropped.
   */
  static List<Document> documents(String rendered) {
    List<Document> documents = new ArrayList<>();
    for (String part : rendered.split("(?m)^---\\s*$")) {
      String source = null;
      StringBuilder yaml = new StringBuilder();
      for (String line : part.strip().lines().toList()) {
        if (line.startsWith("# Source: ")) {
          source = line.substring("# Source: ".length()).strip();
          source = source.substring(source.indexOf('/') + 1);
        } else {
          yaml.append(line).append('\n');
        }
      }
      boolean onlyComments =
          yaml.toString().lines().allMatch(line -> line.isBlank() || line.startsWith("#"));
      if (source != null && !onlyComments) {
        documents.add(new Document(source, yaml.toString()));
      }
    }
    return documents;
  }
}
