package io.podium.cli;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * {@code podium standalone}: the metadata API and the credential broker in one process, the
 * kube2iam-style deployment. Pods come from {@code --pods-file} until the Kubernetes source lands.
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
      ""
    },
    optionListHeading = "%nOptions:%n")
final class StandaloneCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(StandaloneCommand.class);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin LoggingOptions logging;

  @Option(
      names = "--pods-file",
      paramLabel = "FILE",
      required = true,
      description =
          "YAML file of Pod, Namespace and ServiceAccount manifests (several documents or a"
              + " List), reloaded when it changes.")
  Path podsFile;

  @Mixin CredentialOptions credentials;
  @Mixin StsOptions sts;
  @Mixin MetadataOptions metadata;
  @Mixin InterceptionOptions interception;

  @Override
  public Integer call() {
    logging.apply();
    if (interception.runsOnce()) {
      return RulesOnce.run(interception, metadata.settings(null).listen(), spec.commandLine());
    }
    StandaloneProcess.Config config = config();
    warnAboutOpenNamespaces(credentials);
    try (ShutdownSignal shutdown = new ShutdownSignal();
        DefaultCredentialsProvider base = DefaultCredentialsProvider.builder().build();
        StandaloneProcess process =
            StandaloneProcess.start(config, base, new PrometheusRegistry())) {
      PrintWriter out = spec.commandLine().getOut();
      out.println("podium standalone: metadata API on " + process.metadataAddress());
      out.flush();
      shutdown.await();
      log.info("stopping");
    }
    return 0;
  }

  private StandaloneProcess.Config config() {
    var stsSettings = sts.settings();
    boolean chained = stsSettings.chained();
    var metadataSettings = metadata.settings(stsSettings.region().id());
    return new StandaloneProcess.Config(
        podsFile,
        credentials.baseArn(),
        credentials.roleDecider(chained),
        credentials.brokerSettings(chained),
        credentials.stsWait(),
        stsSettings,
        metadataSettings,
        interception.settings(metadataSettings.listen()));
  }

  static void warnAboutOpenNamespaces(CredentialOptions credentials) {
    if (!credentials.namespaceRestrictions()) {
      log.warn(
          "--namespace-restrictions=false: pods in namespaces without"
              + " iam.amazonaws.com/permitted or iam.amazonaws.com/allowed-roles may assume ANY"
              + " role this process can assume; meant for migrations from kube2iam only");
    }
  }
}
