package io.podium.cli;

import static io.podium.cli.OptionErrors.invalid;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.podium.core.broker.ExecutorScheduler;
import io.podium.kubernetes.InformerPodDirectory;
import io.podium.kubernetes.LeaseReplicas;
import io.podium.kubernetes.TokenReviewAgentTokens;
import io.podium.server.CertificateNodeAuthenticator;
import io.podium.server.NodeAuthenticator;
import io.podium.server.RendezvousOwnership;
import io.podium.server.SessionOwnership;
import io.podium.server.StartupTaint;
import io.podium.server.TokenNodeAuthenticator;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * {@code podium server}: watches pods (every node's, from the cluster or a pods file), decides
 * roles, calls STS, and streams each agent its own node's pods and credentials over mutual TLS.
 */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    versionProvider = PodiumVersion.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    header = "Serve agents their nodes' pods and credentials over gRPC with mutual TLS.",
    description = {
      "",
      "Decides every pod's role, fetches its credentials from STS before it asks and refreshes"
          + " them, and streams to each podium agent the pods of the agent's own node (known from"
          + " its client certificate) with their credentials. Podium's own AWS credentials come"
          + " from the SDK's default chain (IRSA token, instance role or environment). Run two or"
          + " more replicas behind a headless service; see docs/server.md.",
      "",
      "It also reads the cluster's service-account signing keys (from the API server, or"
          + " --service-account-key-file) and sends them to the agents, whose container-credentials"
          + " endpoints verify pods' tokens with them (docs/container-credentials.md).",
      ""
    },
    optionListHeading = "%nOptions:%n")
final class ServerCommand implements Callable<Integer> {

  /** Where agents connect, and the gRPC health service, unless told otherwise. */
  static final String DEFAULT_LISTEN = "0.0.0.0:8443";

  static final String DEFAULT_HEALTH_LISTEN = "0.0.0.0:8444";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin LoggingOptions logging;

  @Option(
      names = "--pods-file",
      paramLabel = "FILE",
      description =
          "Instead of a cluster: a YAML file of Pod, Namespace and ServiceAccount manifests,"
              + " reloaded when it changes.")
  Path podsFile;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description =
          "kubeconfig of the cluster whose pods are served (all of them: the server serves every"
              + " node). Without it: the in-cluster service account when running in a pod, else"
              + " $KUBECONFIG or ~/.kube/config.")
  Path kubeconfig;

  @Option(
      names = "--pod-wait",
      paramLabel = "DURATION",
      defaultValue = KubernetesOptions.DEFAULT_POD_WAIT,
      converter = DurationConverter.class,
      description =
          "Longest an agent's lookup of an IP no pod holds yet waits for the pod's event"
              + " (default: ${DEFAULT-VALUE}).")
  Duration podWait;

  @Option(
      names = "--informer-sync-timeout",
      paramLabel = "DURATION",
      defaultValue = KubernetesOptions.DEFAULT_SYNC_TIMEOUT,
      converter = DurationConverter.class,
      description =
          "Longest start-up waits for the first lists of pods, namespaces and service accounts;"
              + " then the server exits, saying why (default: ${DEFAULT-VALUE}).")
  Duration syncTimeout;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      defaultValue = DEFAULT_LISTEN,
      description = "Where agents connect, mutual TLS (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(
      names = "--health-listen",
      paramLabel = "HOST:PORT|none",
      defaultValue = DEFAULT_HEALTH_LISTEN,
      description =
          "Plaintext gRPC health service for kubelet probes, SERVING once pods are synced and the"
              + " certificates valid (default: ${DEFAULT-VALUE}).")
  String healthListen;

  @Option(
      names = "--replica-id",
      paramLabel = "ID",
      description = "This replica's name in logs and leases (default: the host name).")
  String replicaId;

  enum AgentAuth {
    certificate,
    token
  }

  @Option(
      names = "--agent-auth",
      paramLabel = "certificate|token",
      defaultValue = "certificate",
      description =
          "How the server learns an agent's node: certificate (the URI SAN"
              + " spiffe://podium/node/<node> of its client certificate, as podium certs issues"
              + " them) or token (its projected service-account token: TokenReview, then the"
              + " token's pod's node; agents may then share one certificate). Default:"
              + " ${DEFAULT-VALUE}.")
  AgentAuth agentAuth;

  @Option(
      names = "--agent-token-audience",
      paramLabel = "AUDIENCE",
      defaultValue = "podium",
      description =
          "With --agent-auth token: the audience agents' projected tokens are issued for"
              + " (default: ${DEFAULT-VALUE}).")
  String tokenAudience;

  @Option(
      names = "--agent-service-account",
      paramLabel = "NAMESPACE:NAME",
      defaultValue = "podium:podium-agent",
      split = ",",
      description =
          "With --agent-auth token: the agents' service accounts; tokens of any other are"
              + " refused (default: ${DEFAULT-VALUE}).")
  List<String> agentServiceAccounts;

  @Option(
      names = "--lease-namespace",
      paramLabel = "NAMESPACE",
      description =
          "Share the STS work between replicas: each keeps a coordination.k8s.io Lease in this"
              + " namespace (usually its own), and every session is fetched and refreshed by one"
              + " live replica only (rendezvous hashing), taken over when its owner's Lease"
              + " expires. Without it, every replica fetches every session (see docs/server.md).")
  String leaseNamespace;

  @Option(
      names = "--lease-duration",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description =
          "How long a replica's Lease outlives its last renewal; a dead replica's sessions move"
              + " within about this long (default: ${DEFAULT-VALUE}).")
  Duration leaseDuration;

  @Option(
      names = "--lease-renew",
      paramLabel = "DURATION",
      defaultValue = "2s",
      converter = DurationConverter.class,
      description =
          "How often a replica renews its Lease and reads the others' (default: ${DEFAULT-VALUE}).")
  Duration leaseRenew;

  @Option(
      names = "--ready-taint",
      paramLabel = "KEY",
      description =
          "Remove this taint (every effect with this key) from a node once its agent reports its"
              + " interception rule in place and its metadata API serving, so that pods needing a"
              + " role are scheduled only where they are intercepted and answered. Register nodes"
              + " with it (kubelet --register-with-taints); agents keep holding no Kubernetes"
              + " rights: the server needs get and patch on nodes.")
  String readyTaint;

  @Mixin TlsOptions tls;
  @Mixin CredentialOptions credentials;
  @Mixin StsOptions sts;
  @Mixin ServiceAccountKeyOptions serviceAccountKeys;
  @Mixin OpsOptions ops;

  @Override
  public Integer call() throws Exception {
    logging.apply();
    ServerProcess.Config config = config();
    serviceAccountKeys.validate();
    // The API server is needed for the cluster pod source, token authentication and leases;
    // the pods file with certificate authentication runs without one.
    Optional<String> taintKey =
        Optional.ofNullable(readyTaint).map(String::strip).filter(key -> !key.isEmpty());
    Optional<KubernetesOptions> cluster =
        podsFile == null
                || agentAuth == AgentAuth.token
                || leaseNamespace != null
                || taintKey.isPresent()
            ? Optional.of(kubernetesOptions())
            : Optional.empty();
    Optional<InformerPodDirectory.Settings> informers =
        podsFile != null ? Optional.empty() : cluster.map(this::informers);
    if (podsFile != null) {
      PodSourceFactory.checkFile(spec, podsFile);
    }
    new Listeners(spec)
        .add("--listen", config.listen())
        .add("--health-listen", Optional.ofNullable(config.healthListen()))
        .add("--metrics-listen", ops.listen())
        .check();
    credentials.warnAboutMigrationSwitches();
    return new LongRunningCommand(spec, logging, ops)
        .run(
            (registry, health, resources) -> {
              KubernetesClient kubernetes =
                  cluster.map(options -> resources.push(options.client())).orElse(null);
              PodSourceFactory pods =
                  informers
                      .map(
                          settings ->
                              PodSourceFactory.cluster(kubernetes, settings, config.replicaId()))
                      .orElseGet(
                          () -> PodSourceFactory.file(podsFile, credentials.baseArn(), List.of()));
              ServerProcess.Parts parts =
                  new ServerProcess.Parts(
                      pods,
                      authenticator(kubernetes),
                      ownership(kubernetes, config.replicaId(), resources),
                      taintKey.<StartupTaint>map(
                          key -> new KubernetesStartupTaint(kubernetes, key)),
                      signingKeys(kubernetes));
              DefaultCredentialsProvider base =
                  resources.push(DefaultCredentialsProvider.builder().build());
              ServerProcess process =
                  resources.push(
                      ServerProcess.start(
                          config, parts, base, registry, Clock.systemUTC(), health));
              return "podium server "
                  + config.replicaId()
                  + ": agent API on "
                  + process.address()
                  + ", "
                  + StartupFacts.of(
                      podsFile != null ? podsFile.toString() : "the cluster",
                      process.podCount(),
                      config.sts(),
                      process.identity());
            });
  }

  /**
   * Where the agents' token-verifying keys come from: the key files when given, else the API
   * server; nothing with a pods file and no key files.
   */
  private Optional<SigningKeySupply.Read> signingKeys(KubernetesClient kubernetes) {
    if (!serviceAccountKeys.fromFiles() && kubernetes == null) {
      return Optional.empty();
    }
    return Optional.of(
        new SigningKeySupply.Read(
            serviceAccountKeys.reader(kubernetes),
            serviceAccountKeys.describe(kubernetes),
            serviceAccountKeys.refresh));
  }

  /** The cluster's client settings, checked: the same rules as podium standalone's. */
  private KubernetesOptions kubernetesOptions() {
    if (podsFile != null && kubeconfig != null) {
      throw invalid(spec, "--pods-file and --kubeconfig are two pod sources: give one of them");
    }
    KubernetesOptions options = new KubernetesOptions();
    options.command = spec;
    options.kubeconfig = kubeconfig;
    options.podWait = podWait;
    options.syncTimeout = syncTimeout;
    options.validate(System.getenv());
    return options;
  }

  /** Informers over every pod: no node filter, the server serves every node. */
  private InformerPodDirectory.Settings informers(KubernetesOptions options) {
    return new InformerPodDirectory.Settings(
        null, credentials.baseArn(), options.podWait(), options.syncTimeout());
  }

  private NodeAuthenticator authenticator(KubernetesClient kubernetes) {
    return switch (agentAuth) {
      case certificate -> new CertificateNodeAuthenticator();
      case token ->
          new TokenNodeAuthenticator(
              new TokenReviewAgentTokens(
                  kubernetes,
                  tokenAudience,
                  Set.copyOf(agentServiceAccounts),
                  Duration.ofSeconds(30),
                  Clock.systemUTC()));
    };
  }

  /** Every session, or with --lease-namespace those rendezvous hashing gives this replica. */
  private SessionOwnership ownership(
      KubernetesClient kubernetes, String replica, CloseStack resources) {
    if (leaseNamespace == null) {
      return SessionOwnership.ALL;
    }
    ScheduledExecutorService leaseTimer =
        resources.pushExecutor(
            Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("podium-leases").daemon().factory()));
    LeaseReplicas replicas =
        resources.push(
            new LeaseReplicas(
                kubernetes,
                leaseNamespace.strip(),
                replica,
                leaseDuration,
                leaseRenew,
                Clock.systemUTC(),
                new ExecutorScheduler(leaseTimer)));
    replicas.start();
    return new RendezvousOwnership(replicas);
  }

  private ServerProcess.Config config() {
    String inAPod =
        "reads the node's metadata service, and the server runs in a pod, whose metadata requests"
            + " the agent answers";
    AutoDiscovery.refuse(spec, "--region", sts.region, inAPod);
    AutoDiscovery.refuse(spec, "--role-base-arn", credentials.roleBaseArn, inAPod);
    var stsSettings = sts.settings();
    boolean chained = stsSettings.chained();
    try {
      return new ServerProcess.Config(
          credentials.roleDecider(chained),
          credentials.brokerSettings(chained),
          credentials.stsWait(),
          stsSettings,
          HostPort.listenAddress("--listen", listen, DEFAULT_LISTEN),
          HostPort.listenAddressOrNone("--health-listen", healthListen, DEFAULT_HEALTH_LISTEN)
              .orElse(null),
          tls.files(),
          tls.refresh,
          replicaId == null || replicaId.isBlank() ? hostName() : replicaId.strip(),
          new PodiumVersion().getVersion()[0]);
    } catch (IllegalArgumentException e) {
      throw invalid(spec, e);
    }
  }

  static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "podium-server";
    }
  }
}
