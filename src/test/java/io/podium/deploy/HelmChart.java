package io.podium.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
    return new Helm(CHART)
        .template()
        .withName(RELEASE)
        .withNamespace(namespace)
        .withValuesFile(values)
        .call();
  }

  /** {@code helm lint charts/podium}. */
  static LintResult lint() {
    return new Helm(CHART).lint().call();
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
