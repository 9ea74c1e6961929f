package io.podium.cli;

import static io.podium.cli.OptionErrors.invalid;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.podium.kubernetes.NodeRuleCleanup;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code podium uninstall-nodes}: the chart's pre-delete hook, which takes Podium off every node
 * before Helm deletes the rest: the node DaemonSet stopped first, then the interception rule
 * removed on every node ({@link NodeRuleCleanup}).
 */
@Command(
    name = "uninstall-nodes",
    mixinStandardHelpOptions = true,
    versionProvider = PodiumVersion.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    header = "Stop Podium on every node and remove its interception rule (helm uninstall's hook).",
    description = {
      "",
      "Deletes the node DaemonSet (--daemonset) and waits until its pods are gone, since running"
          + " agents would put the rule back; then creates the DaemonSet of --cleanup-daemonset,"
          + " whose pods remove the rule in an init container (podium standalone --cleanup), waits"
          + " until every one of them is ready, and deletes it. Until then pods are refused on"
          + " 169.254.169.254, never given the node's role. Exit code 0 when every node is clean,"
          + " 1 when the API server refused or --timeout passed (the message names the nodes"
          + " left); running it again is safe. Needs get, list, watch, create and delete on"
          + " daemonsets and list and watch on pods in --namespace.",
      ""
    },
    optionListHeading = "%nOptions:%n")
final class UninstallNodesCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin LoggingOptions logging;

  @Option(
      names = "--namespace",
      paramLabel = "NAMESPACE",
      defaultValue = "${env:POD_NAMESPACE}",
      description =
          "Where both DaemonSets are, the release's namespace (default: $POD_NAMESPACE, from the"
              + " downward API).")
  String namespace;

  @Option(
      names = "--daemonset",
      paramLabel = "NAME",
      required = true,
      description =
          "The node DaemonSet to stop first, e.g. podium (standalone) or podium-agent; one that"
              + " is gone already is skipped.")
  String daemonSet;

  @Option(
      names = "--cleanup-daemonset",
      paramLabel = "FILE",
      required = true,
      description =
          "A DaemonSet manifest whose pods remove the rule in an init container and are then"
              + " ready: the chart renders it into a ConfigMap.")
  Path cleanupFile;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "4m",
      converter = DurationConverter.class,
      description =
          "Longest the whole run may take; keep it under helm uninstall's --timeout (5m by"
              + " default) (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description =
          "kubeconfig file of the cluster. Without it: the in-cluster service account when"
              + " running in a pod, else $KUBECONFIG or ~/.kube/config.")
  Path kubeconfig;

  @Override
  public Integer call() {
    logging.apply();
    if (namespace == null || namespace.isBlank()) {
      throw invalid(
          spec,
          "--namespace is required: give the release's namespace, or set POD_NAMESPACE from the"
              + " downward API (fieldRef metadata.namespace)");
    }
    if (timeout.isZero()) {
      throw invalid(spec, "--timeout must be positive, e.g. 4m");
    }
    String ns = namespace.strip();
    DaemonSet cleanup = cleanupDaemonSet(ns);
    KubernetesOptions cluster = new KubernetesOptions();
    cluster.command = spec;
    cluster.kubeconfig = kubeconfig;
    cluster.validate(System.getenv());
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (KubernetesClient client = cluster.client()) {
      NodeRuleCleanup.Result result =
          new NodeRuleCleanup(client, ns, timeout, Clock.systemUTC())
              .run(daemonSet.strip(), cleanup);
      out.println(
          "podium uninstall-nodes: "
              + (result.nodeDaemonSetFound()
                  ? "stopped daemonset " + ns + "/" + daemonSet.strip()
                  : "daemonset " + ns + "/" + daemonSet.strip() + " was gone already")
              + ", removed the interception rule on "
              + result.nodesCleaned()
              + (result.nodesCleaned() == 1 ? " node" : " nodes"));
      return 0;
    } catch (NodeRuleCleanup.NodeCleanupException e) {
      err.println("podium uninstall-nodes: " + e.getMessage());
      return 1;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** The manifest of --cleanup-daemonset, checked: a named DaemonSet, not the node DaemonSet. */
  private DaemonSet cleanupDaemonSet(String ns) {
    String text;
    try {
      text = Files.readString(cleanupFile);
    } catch (IOException e) {
      throw invalid(spec, "--cleanup-daemonset " + cleanupFile + " cannot be read");
    }
    Object parsed;
    try {
      parsed = new KubernetesSerialization().unmarshal(text);
    } catch (RuntimeException e) {
      throw invalid(
          spec, "--cleanup-daemonset " + cleanupFile + " is not a Kubernetes manifest: " + e);
    }
    if (!(parsed instanceof DaemonSet cleanup)
        || cleanup.getMetadata() == null
        || cleanup.getMetadata().getName() == null) {
      throw invalid(
          spec,
          "--cleanup-daemonset "
              + cleanupFile
              + " must hold one named DaemonSet (apps/v1), found "
              + (parsed == null ? "nothing" : parsed.getClass().getSimpleName()));
    }
    if (cleanup.getMetadata().getName().equals(daemonSet.strip())) {
      throw invalid(
          spec,
          "--cleanup-daemonset names daemonset "
              + daemonSet.strip()
              + ", the one --daemonset stops: give the cleanup DaemonSet a name of its own");
    }
    cleanup.getMetadata().setNamespace(ns);
    return cleanup;
  }
}
