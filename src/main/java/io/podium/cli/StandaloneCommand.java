package io.podium.cli;

import static io.podium.cli.OptionErrors.invalid;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.podium.aws.InstanceMetadata;
import io.podium.core.PodClaims;
import io.podium.interception.InterceptionSettings;
import io.podium.interception.NodeTaintRemover;
import io.podium.kubernetes.InformerPodDirectory;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * {@code podium standalone}: the metadata API and the credential broker in one process, the
 * kube2iam-style deployment. Pods come from the Kubernetes API server (this node's only), or from
 * {@code --pods-file}.
 */
@Command(
    name = "standalone",
    mixinStandardHelpOptions = true,
    versionProvider = PodiumVersion.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    header = "Serve pods' IAM credentials on the metadata API, agent and server in one process.",
    description = {
      "",
      "Answers the EC2 instance-metadata API (IMDSv1 and v2) for the pods of this node, each with"
          + " credentials for the role in its iam.amazonaws.com/role annotation, if its namespace"
          + " permits it. Credentials are fetched from STS as soon as a pod appears and refreshed"
          + " before they age. Podium's own AWS credentials come from the SDK's default chain.",
      "",
      "The same roles are served on the container-credentials endpoint (EKS Pod Identity's"
          + " protocol, GET /v1/credentials on --container-credentials-listen) to pods that"
          + " present their service-account token, verified with the cluster's signing keys; see"
          + " docs/container-credentials.md.",
      "",
      "Pods come from the cluster's API server (in-cluster configuration, a kubeconfig, or"
          + " --kubeconfig), watching only the pods of --node; or, instead, from --pods-file.",
      ""
    },
    optionListHeading = "%nOptions:%n")
final class StandaloneCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin LoggingOptions logging;

  @Option(
      names = "--pods-file",
      paramLabel = "FILE",
      description =
          "Instead of a cluster: a YAML file of Pod, Namespace and ServiceAccount manifests"
              + " (several documents or a List), reloaded when it changes.")
  Path podsFile;

  @Mixin KubernetesOptions kubernetes;
  @Mixin CredentialOptions credentials;
  @Mixin StsOptions sts;
  @Mixin MetadataOptions metadata;
  @Mixin ContainerCredentialsOptions containerCredentials;
  @Mixin ServiceAccountKeyOptions serviceAccountKeys;
  @Mixin InterceptionOptions interception;
  @Mixin OpsOptions ops;

  @Override
  public Integer call() throws Exception {
    logging.apply();
    if (interception.runsOnce()) {
      return RulesOnce.run(
          interception,
          metadata.settings(null).listen(),
          containerCredentials.listenAddresses(interception.managesTheNode()),
          spec.commandLine());
    }
    StandaloneProcess.Config checked = config();
    StandaloneProcess.Config config = discoverFromTheNode() ? config() : checked;
    credentials.warnAboutMigrationSwitches();
    return new LongRunningCommand(spec, logging, ops)
        .run(
            (registry, health, resources) -> {
              StandaloneProcess.Parts parts = parts(config, resources);
              DefaultCredentialsProvider base =
                  resources.push(DefaultCredentialsProvider.builder().build());
              StandaloneProcess process =
                  resources.push(StandaloneProcess.start(config, parts, base, registry, health));
              return "podium standalone: metadata API on "
                  + process.metadataAddress()
                  + ", "
                  + StartupFacts.of(
                      podsFile != null
                          ? podsFile.toString()
                          : "the cluster, node " + kubernetes.node(),
                      process.podCount(),
                      config.sts(),
                      process.identity())
                  + (process.containerCredentialsAddresses().isEmpty()
                      ? ""
                      : ", container credentials on " + process.containerCredentialsAddresses());
            });
  }

  private StandaloneProcess.Config config() {
    var stsSettings = sts.settings();
    boolean chained = stsSettings.chained();
    var metadataSettings = metadata.settings(stsSettings.region().id());
    checkPodSource();
    var decider = credentials.roleDecider(chained);
    var broker = credentials.brokerSettings(chained);
    var stsWait = credentials.stsWait();
    var rules =
        interception
            .settings(metadataSettings.listen())
            .map(
                settings ->
                    settings.withEndpointLink(
                        interception.endpointLink(
                            containerCredentials.listenAddresses(interception.managesTheNode()))));
    // The endpoint's checks last: its hint about the keys must not hide a mistake named above.
    Optional<String> node = podsFile == null ? Optional.of(kubernetes.node()) : Optional.empty();
    Optional<StandaloneProcess.ContainerCredentials> endpoint =
        containerCredentials
            .settings(metadataSettings, interception.managesTheNode())
            .map(
                settings ->
                    new StandaloneProcess.ContainerCredentials(
                        settings, new PodClaims.Checks(containerCredentials.checkIp, node)));
    if (endpoint.isPresent()) {
      serviceAccountKeys.validate();
      if (podsFile != null && !serviceAccountKeys.fromFiles()) {
        throw invalid(
            spec,
            "with --pods-file the container-credentials endpoint needs the keys that sign pods'"
                + " tokens: give --service-account-key-file, or --container-credentials-listen"
                + " none");
      }
    }
    var config =
        new StandaloneProcess.Config(
            decider, broker, stsWait, stsSettings, metadataSettings, rules, endpoint);
    // Files and ports last: a typo in a flag is told before the state of the machine.
    if (podsFile != null) {
      PodSourceFactory.checkFile(spec, podsFile);
    }
    new Listeners(spec)
        .add("--imds-listen", metadataSettings.listen())
        .add("--metrics-listen", ops.listen())
        .check();
    return config;
  }

  /**
   * {@code --region auto} and {@code --role-base-arn auto}: asks the node's metadata service once,
   * after every option has been checked; returns whether anything was asked.
   */
  private boolean discoverFromTheNode() {
    boolean region = sts.regionIsAuto();
    boolean base = credentials.baseArnIsAuto();
    if (!region && !base) {
      return false;
    }
    InstanceMetadata node =
        AutoDiscovery.source(
            spec, region ? "--region" : "--role-base-arn", metadata.metadataUpstream);
    if (region) {
      sts.discoveredRegion = AutoDiscovery.region(node);
    }
    if (base) {
      credentials.discoveredBaseArn = AutoDiscovery.roleBaseArn(node);
    }
    return true;
  }

  /** Exactly one pod source: the pods file, or the cluster, with what it needs. */
  private void checkPodSource() {
    if (podsFile != null) {
      if (kubernetes.anyGiven()) {
        throw invalid(spec, "--pods-file and --kubeconfig are two pod sources: give one of them");
      }
      return;
    }
    kubernetes.node();
    kubernetes.validate(System.getenv());
    kubernetes.podWait();
    kubernetes.syncTimeout();
  }

  /** The pod source, checked before: opens the cluster's client onto {@code resources}. */
  private StandaloneProcess.Parts parts(StandaloneProcess.Config config, CloseStack resources) {
    boolean endpoint = config.containerCredentials().isPresent();
    if (podsFile != null) {
      return new StandaloneProcess.Parts(
          PodSourceFactory.file(
              podsFile,
              credentials.baseArn(),
              // Callers from the addresses the rule sends pods to are the node itself: 403.
              config.interception().map(InterceptionSettings::hostAddresses).orElse(List.of())),
          Optional.empty(),
          endpoint
              ? Optional.of(
                  new SigningKeySupply.Read(
                      serviceAccountKeys.fileReader(),
                      serviceAccountKeys.describe(null),
                      serviceAccountKeys.refresh))
              : Optional.empty(),
          List.of());
    }
    String node = kubernetes.node();
    KubernetesClient client = resources.push(kubernetes.client());
    return new StandaloneProcess.Parts(
        PodSourceFactory.cluster(
            client,
            new InformerPodDirectory.Settings(
                node, credentials.baseArn(), kubernetes.podWait(), kubernetes.syncTimeout()),
            node),
        kubernetes.readyTaint().map(key -> new NodeTaintRemover(client, node, key)),
        endpoint
            ? Optional.of(
                new SigningKeySupply.Read(
                    serviceAccountKeys.reader(client),
                    serviceAccountKeys.describe(client),
                    serviceAccountKeys.refresh))
            : Optional.empty(),
        List.of());
  }
}
