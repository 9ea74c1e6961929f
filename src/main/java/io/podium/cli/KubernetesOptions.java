package io.podium.cli;

import static io.podium.cli.OptionErrors.invalid;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Where pods come from when they come from a cluster: the API server (in-cluster configuration, a
 * kubeconfig, or {@code --kubeconfig}), the node whose pods are served, and how long an unknown
 * caller waits for its pod. Mixed into {@code podium standalone}.
 */
final class KubernetesOptions {

  /** The service-account token every pod gets, which in-cluster configuration reads. */
  static final Path IN_CLUSTER_TOKEN =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

  /** The defaults of {@code --pod-wait} and {@code --informer-sync-timeout}, here and in server. */
  static final String DEFAULT_POD_WAIT = "500ms";

  static final String DEFAULT_SYNC_TIMEOUT = "60s";

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description =
          "kubeconfig file of the cluster whose pods are served. Without it: the in-cluster"
              + " service account when running in a pod, else $KUBECONFIG or ~/.kube/config.")
  Path kubeconfig;

  @Option(
      names = "--node",
      paramLabel = "NAME",
      defaultValue = "${env:NODE_NAME}",
      description =
          "The node whose pods are served; only they are watched (a spec.nodeName field"
              + " selector). Default: $NODE_NAME, set from the downward API (spec.nodeName).")
  String node;

  @Option(
      names = "--pod-wait",
      paramLabel = "DURATION",
      defaultValue = DEFAULT_POD_WAIT,
      converter = DurationConverter.class,
      description =
          "Longest a caller whose IP no pod holds yet waits for the pod's event before 503; keep"
              + " it well under the SDKs' 1s (default: ${DEFAULT-VALUE}).")
  Duration podWait;

  @Option(
      names = "--informer-sync-timeout",
      paramLabel = "DURATION",
      defaultValue = DEFAULT_SYNC_TIMEOUT,
      converter = DurationConverter.class,
      description =
          "Longest start-up waits for the first lists of pods, namespaces and service accounts;"
              + " then Podium exits, saying why (default: ${DEFAULT-VALUE}).")
  Duration syncTimeout;

  @Option(
      names = "--ready-taint",
      paramLabel = "KEY",
      description =
          "Remove this taint (every effect with this key) from --node once the metadata API"
              + " serves and the interception rule is in place, so that pods needing a role are"
              + " scheduled only where they will be answered. Register nodes with it (kubelet"
              + " --register-with-taints); needs get and patch on nodes.")
  String readyTaint;

  Optional<String> readyTaint() {
    return Optional.ofNullable(readyTaint).map(String::strip).filter(key -> !key.isEmpty());
  }

  /** Whether any option here was given, which a pods file excludes. */
  boolean anyGiven() {
    return kubeconfig != null || readyTaint != null;
  }

  /** The validated node name. */
  String node() {
    if (node == null || node.isBlank()) {
      throw invalid(
          command,
          "--node is required with a Kubernetes pod source: give the node's name, or set"
              + " NODE_NAME from the downward API (fieldRef spec.nodeName)");
    }
    return node.strip();
  }

  Duration podWait() {
    if (podWait.isNegative() || podWait.compareTo(Duration.ofSeconds(1)) > 0) {
      throw invalid(command, "--pod-wait must be between 0ms and 1s: the SDKs give up after 1s");
    }
    return podWait;
  }

  Duration syncTimeout() {
    if (syncTimeout.isNegative() || syncTimeout.isZero()) {
      throw invalid(command, "--informer-sync-timeout must be positive");
    }
    return syncTimeout;
  }

  /**
   * Checks that a cluster configuration exists: {@code --kubeconfig} readable, else in-cluster or
   * the usual kubeconfig.
   *
   * @throws ParameterException when none can be found, saying what to give
   */
  void validate(Map<String, String> environment) {
    if (kubeconfig != null) {
      if (!Files.isReadable(kubeconfig)) {
        throw invalid(command, "--kubeconfig " + kubeconfig + " does not exist or cannot be read");
      }
    } else if (!clusterConfigAvailable(environment)) {
      throw invalid(
          command,
          "no pod source: give --pods-file FILE, or --kubeconfig FILE, or run in a pod of the"
              + " cluster (in-cluster service account), or set KUBECONFIG");
    }
  }

  /**
   * A client of the cluster, from {@code --kubeconfig}, else in-cluster or the usual kubeconfig.
   *
   * @throws KubeconfigException when the kubeconfig cannot be used, saying why
   */
  KubernetesClient client() {
    Config config;
    if (kubeconfig != null) {
      try {
        config = Config.fromKubeconfig(kubeconfig.toFile());
      } catch (KubernetesClientException e) {
        throw new KubeconfigException(
            "--kubeconfig " + kubeconfig + " is not a usable kubeconfig: " + e.getMessage(), e);
      }
    } else {
      config = Config.autoConfigure(null);
    }
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** In a pod (service host and token), or a kubeconfig where kubectl would look. */
  static boolean clusterConfigAvailable(Map<String, String> environment) {
    if (environment.containsKey("KUBERNETES_SERVICE_HOST") && Files.isReadable(IN_CLUSTER_TOKEN)) {
      return true;
    }
    String kubeconfigs = environment.get("KUBECONFIG");
    if (kubeconfigs != null && !kubeconfigs.isBlank()) {
      for (String file : kubeconfigs.split(java.io.File.pathSeparator)) {
        if (!file.isBlank() && Files.isReadable(Path.of(file))) {
          return true;
        }
      }
      return false;
    }
    String home = environment.get("HOME");
    return home != null && Files.isReadable(Path.of(home, ".kube", "config"));
  }

  /** A kubeconfig that exists but cannot be used. */
  static final class KubeconfigException extends RuntimeException {
    KubeconfigException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
