package io.podium.cli;

import static io.podium.cli.OptionErrors.invalid;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.podium.core.CallerReasons;
import io.podium.core.RoleDecider;
import io.podium.core.RoleOutcome;
import io.podium.core.broker.ExecutorScheduler;
import io.podium.core.pod.PodIdentity;
import io.podium.core.pod.PodLookup;
import io.podium.core.role.NamespacePolicy;
import io.podium.core.role.RolePolicy;
import io.podium.kubernetes.ClusterPods;
import io.podium.kubernetes.FilePodDirectory;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code podium explain}: for a pod, or an IP, which role it gets or why not — the question every
 * kube2iam and kiam user asks when a pod gets 403 — decided by the same code as the serving
 * processes, with the same flags.
 */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    versionProvider = PodiumVersion.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    header = "Tell which role a pod gets, or why it gets none.",
    description = {
      "",
      "Reads the pods file or the cluster, finds the pod (NAMESPACE/NAME or an IP) and prints what the metadata"
          + " API would answer it: the role and where it came from, the namespace policy that"
          + " allowed or refused it, the session name, duration and tags. Give the same role and"
          + " session flags as the running process. Exit code 0 for an answer, 1 when no pod"
          + " matches.",
      ""
    })
final class ExplainCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--pods-file",
      paramLabel = "FILE",
      description =
          "YAML file of Pod, Namespace and ServiceAccount manifests, as podium dev reads.")
  Path podsFile;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description =
          "Ask the cluster of this kubeconfig (get on pods, namespaces, serviceaccounts; list pods"
              + " for an IP). Without --pods-file or --kubeconfig: in-cluster or $KUBECONFIG.")
  Path kubeconfig;

  @Parameters(
      index = "0",
      paramLabel = "POD|IP",
      description = "The pod as NAMESPACE/NAME, e.g. dev/web, or one of its IPs, e.g. 10.1.2.3.")
  String target;

  @Mixin CredentialOptions credentials;

  @Override
  public Integer call() {
    AutoDiscovery.refuse(spec, "--role-base-arn", credentials.roleBaseArn, "needs a node");
    var decider = credentials.roleDecider(false);
    if (podsFile != null && kubeconfig != null) {
      throw invalid(spec, "--pods-file and --kubeconfig are two pod sources: give one of them");
    }
    String wanted = target.strip();
    InetAddress ip = wanted.indexOf('/') > 0 ? null : ip(wanted);
    if (podsFile != null) {
      PodSourceFactory.checkFile(spec, podsFile);
      ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
      try (FilePodDirectory pods =
          new FilePodDirectory(
              podsFile,
              credentials.baseArn(),
              List.of(),
              FilePodDirectory.DEFAULT_POLL_INTERVAL,
              Clock.systemUTC(),
              new ExecutorScheduler(timer))) {
        return explain(PodFinder.of(pods, podsFile.toString()), wanted, ip, decider);
      } finally {
        timer.shutdownNow();
      }
    }
    KubernetesOptions cluster = new KubernetesOptions();
    cluster.command = spec;
    cluster.kubeconfig = kubeconfig;
    cluster.validate(System.getenv());
    try (KubernetesClient client = cluster.client()) {
      return explain(
          PodFinder.of(new ClusterPods(client, credentials.baseArn())), wanted, ip, decider);
    }
  }

  private int explain(PodFinder pods, String wanted, InetAddress ip, RoleDecider decider) {
    PrintWriter out = spec.commandLine().getOut();
    Optional<PodIdentity> pod = ip == null ? byName(pods, wanted, out) : byIp(pods, ip, out);
    if (pod.isPresent()) {
      NamespacePolicy namespace = pods.namespacePolicy(pod.get().namespace());
      RoleOutcome outcome = decider.decide(pod.get(), namespace);
      out.println(
          PodExplanation.of(
              pod.get(), outcome, namespace, new RolePolicy(credentials.namespaceRestrictions)));
    }
    out.flush();
    return pod.isPresent() ? 0 : 1;
  }

  private Optional<PodIdentity> byName(PodFinder pods, String wanted, PrintWriter out) {
    int slash = wanted.indexOf('/');
    Optional<PodIdentity> pod =
        pods.byName(wanted.substring(0, slash), wanted.substring(slash + 1));
    if (pod.isEmpty()) {
      out.println("no pod " + wanted + " in " + pods.description());
    }
    return pod;
  }

  /**
   * The pod holding the IP; when there is none, or several, prints what the metadata API would
   * answer (the same body) and why.
   */
  private Optional<PodIdentity> byIp(PodFinder pods, InetAddress ip, PrintWriter out) {
    PodLookup lookup = pods.byIp(ip);
    if (lookup instanceof PodLookup.Found found) {
      return Optional.of(found.pod());
    }
    String answer =
        switch (CallerReasons.withoutPod(lookup)) {
          case RoleOutcome.Unavailable unavailable ->
              "503 '" + unavailable.reason() + "' (" + unavailable.detail() + ")";
          case RoleOutcome.Refused refused ->
              "403 '" + refused.reason() + "' (" + refused.detail() + ")";
          case RoleOutcome other -> other.toString();
        };
    out.println(ip.getHostAddress() + ": answer " + answer);
    return Optional.empty();
  }

  private InetAddress ip(String text) {
    // Only literal addresses: a name would be resolved by DNS, which is not what a pod is.
    if (!text.matches("[0-9.]+|[0-9a-fA-F:]+")) {
      throw invalid(spec, "'" + text + "' is neither NAMESPACE/NAME nor an IP address");
    }
    try {
      return InetAddress.ofLiteral(text);
    } catch (IllegalArgumentException e) {
      throw invalid(spec, "'" + text + "' is neither NAMESPACE/NAME nor an IP address");
    }
  }
}
