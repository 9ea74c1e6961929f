package io.podium.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;

/**
 * How the plain manifests in deploy/ are made: charts/podium rendered by the real Helm engine with
 * the values in deploy/values/, split into files by template. DeployManifestsTest checks that
 * deploy/ equals this rendering; {@code deploy/render.sh} writes it.
 */
final class DeployRendering {

  /** One file of deploy/: which release renders it, and which templates' objects it holds. */
  record DeployFile(Path path, String namespace, Path values, Predicate<String> templates) {}

  static final String CERT_MANAGER = "templates/cert-manager.yaml";
  static final String WEBHOOK_CERT_MANAGER = "templates/webhook-cert-manager.yaml";
  static final String UNINSTALL = "templates/uninstall.yaml";

  static final List<DeployFile> FILES =
      List.of(
          new DeployFile(
              Path.of("deploy/standalone.yaml"),
              "kube-system",
              Path.of("deploy/values/standalone.yaml"),
              template -> !template.equals(UNINSTALL)),
          // The uninstall Job in a folder of its own: kubectl apply -f deploy/ never runs it.
          new DeployFile(
              Path.of("deploy/uninstall/standalone.yaml"),
              "kube-system",
              Path.of("deploy/values/standalone.yaml"),
              template -> template.equals(UNINSTALL)),
          new DeployFile(
              Path.of("deploy/agent-server.yaml"),
              "podium",
              Path.of("deploy/values/agent-server.yaml"),
              template -> !template.equals(CERT_MANAGER) && !template.equals(UNINSTALL)),
          new DeployFile(
              Path.of("deploy/uninstall/agent-server.yaml"),
              "podium",
              Path.of("deploy/values/agent-server.yaml"),
              template -> template.equals(UNINSTALL)),
          new DeployFile(
              Path.of("deploy/cert-manager.yaml"),
              "podium",
              Path.of("deploy/values/agent-server.yaml"),
              template -> template.equals(CERT_MANAGER)),
          new DeployFile(
              Path.of("deploy/webhook.yaml"),
              "podium",
              Path.of("deploy/values/webhook.yaml"),
              template -> !template.equals(WEBHOOK_CERT_MANAGER)),
          new DeployFile(
              Path.of("deploy/webhook-cert-manager.yaml"),
              "podium",
              Path.of("deploy/values/webhook.yaml"),
              template -> template.equals(WEBHOOK_CERT_MANAGER)));

  private DeployRendering() {}

  /** The file's content as the chart renders it now. */
  static String render(DeployFile file) {
    StringBuilder out = new StringBuilder();
    out.append("# Rendered from charts/podium with ")
        .append(file.values())
        .append(" in namespace ")
        .append(file.namespace())
        .append(" by deploy/render.sh.\n")
        .append("# Do not edit: change the chart or the values and re-render (DeployManifestsTest")
        .append(" fails while they differ).\n");
    for (HelmChart.Document document :
        HelmChart.documents(HelmChart.render(file.namespace(), file.values()))) {
      if (file.templates().test(document.source())) {
        out.append("---\n# Source: ").append(document.source()).append('\n');
        out.append(document.yaml());
      }
    }
    return out.toString();
  }

  /** Writes every file of deploy/ from the chart (deploy/render.sh). */
  static void writeAll() throws IOException {
    for (DeployFile file : FILES) {
      Files.createDirectories(file.path().getParent());
      Files.writeString(file.path(), render(file));
    }
  }
}
