package io.podium.cli;

import static io.podium.cli.OptionErrors.invalid;

import io.podium.aws.StsSettings;
import io.podium.stsemulator.BootstrapCredentials;
import io.podium.stsemulator.StsEmulator;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * {@code podium dev}: {@code podium standalone} on loopback with no cluster and no AWS account —
 * pods from a YAML file, roles assumed against the embedded STS emulator, placement from defaults,
 * and no real metadata service anywhere.
 */
@Command(
    name = "dev",
    mixinStandardHelpOptions = true,
    versionProvider = PodiumVersion.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    defaultValueProvider = DevCommand.DevDefaults.class,
    header = "Run Podium on this machine with no cluster and no AWS account.",
    description = {
      "",
      "Everything on loopback: the metadata API on --imds-listen, the built-in STS emulator on"
          + " --sts-listen, pods from --pods-file (examples/dev-pods.yaml puts the pod dev/web at"
          + " 127.0.0.1). Passthrough to a real metadata service is off. Takes every option of"
          + " podium standalone, with the loopback defaults shown below.",
      ""
    },
    optionListHeading = "%nOptions:%n",
    footerHeading = "%nTry:%n",
    footer = {
      "  AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:8181/ \\",
      "    aws sts get-caller-identity --endpoint-url http://127.0.0.1:4566 --region us-east-1"
    })
final class DevCommand implements Callable<Integer> {

  /** Loopback defaults for options shared with {@code podium standalone}. */
  static final class DevDefaults implements CommandLine.IDefaultValueProvider {
    static final Map<String, String> DEFAULTS =
        Map.of(
            "--imds-listen", "127.0.0.1:8181",
            "--metadata-upstream", "none",
            "--region", "us-east-1",
            "--availability-zone", "us-east-1a",
            "--role-base-arn", "arn:aws:iam::" + StsEmulator.DEFAULT_ACCOUNT_ID + ":role/",
            "--log-format", "text",
            "--metrics-listen", "127.0.0.1:9180");

    @Override
    public String defaultValue(CommandLine.Model.ArgSpec argSpec) {
      return argSpec instanceof CommandLine.Model.OptionSpec option
          ? DEFAULTS.get(option.longestName())
          : null;
    }
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin LoggingOptions logging;

  @Option(
      names = "--pods-file",
      paramLabel = "FILE",
      defaultValue = "examples/dev-pods.yaml",
      description =
          "YAML file of Pod, Namespace and ServiceAccount manifests, reloaded when it changes"
              + " (default: ${DEFAULT-VALUE}).")
  Path podsFile;

  @Option(
      names = "--sts-listen",
      paramLabel = "HOST:PORT",
      defaultValue = StsEmulatorCommand.DEFAULT_LISTEN,
      description = "Where the embedded STS emulator listens (default: ${DEFAULT-VALUE}).")
  String stsListen;

  @Mixin CredentialOptions credentials;
  @Mixin StsOptions sts;
  @Mixin MetadataOptions metadata;
  @Mixin OpsOptions ops;

  @Override
  public Integer call() throws Exception {
    logging.apply();
    if (!Files.isRegularFile(podsFile)) {
      throw invalid(
          spec,
          "--pods-file "
              + podsFile
              + " does not exist: run from the project's root, or give --pods-file");
    }
    if (sts.stsEndpoint != null) {
      throw invalid(
          spec,
          "podium dev always uses its embedded STS emulator (--sts-listen); for another STS run"
              + " podium standalone --sts-endpoint");
    }
    InetSocketAddress stsAddress;
    try {
      stsAddress =
          HostPort.listenAddress("--sts-listen", stsListen, StsEmulatorCommand.DEFAULT_LISTEN);
    } catch (IllegalArgumentException e) {
      throw invalid(spec, e);
    }
    AutoDiscovery.refuse(spec, "--region", sts.region, "reads a node's metadata service");
    AutoDiscovery.refuse(
        spec, "--role-base-arn", credentials.roleBaseArn, "reads a node's metadata service");
    // The emulator's endpoint is known once it listens; everything else is checked now.
    StsSettings stsSettings = sts.settings("us-east-1");
    boolean chained = stsSettings.chained();
    StandaloneProcess.Config config =
        new StandaloneProcess.Config(
            credentials.roleDecider(chained),
            credentials.brokerSettings(chained),
            credentials.stsWait(),
            stsSettings,
            metadata.settings(stsSettings.region().id()),
            // dev mode never touches the host's rules.
            Optional.empty());
    PodSourceFactory.checkFile(spec, podsFile);
    new Listeners(spec)
        .add("--imds-listen", config.metadata().listen())
        .add("--sts-listen", stsAddress)
        .add("--metrics-listen", ops.listen())
        .check();
    StandaloneProcess.Parts parts =
        new StandaloneProcess.Parts(
            PodSourceFactory.file(podsFile, credentials.baseArn(), List.of()), Optional.empty());
    BootstrapCredentials bootstrap = BootstrapCredentials.devDefaults();
    credentials.warnAboutMigrationSwitches();
    return new LongRunningCommand(spec, logging, ops)
        .run(
            (registry, health, resources) -> {
              StsEmulator emulator =
                  resources.push(StsEmulator.builder().bootstrapCredentials(bootstrap).build());
              emulator.start(stsAddress);
              StaticCredentialsProvider base =
                  StaticCredentialsProvider.create(
                      AwsBasicCredentials.create(
                          bootstrap.accessKeyId(), bootstrap.secretAccessKey()));
              StandaloneProcess process =
                  resources.push(
                      StandaloneProcess.start(
                          config.withSts(stsSettings.withEndpointOverride(emulator.endpoint())),
                          parts,
                          base,
                          registry,
                          health));
              process.identity().askAtStart();
              return banner(process, emulator.endpoint().toString(), stsSettings);
            });
  }

  private String banner(StandaloneProcess process, String stsEndpoint, StsSettings stsSettings) {
    InetSocketAddress imds = process.metadataAddress();
    String imdsUrl = "http://" + imds.getHostString() + ":" + imds.getPort();
    StringJoiner banner = new StringJoiner(System.lineSeparator());
    banner.add("podium dev is running (no cluster, no AWS account; Ctrl-C stops it)");
    int pods = process.podCount();
    banner.add(
        "  metadata API   "
            + imdsUrl
            + "   pods from "
            + podsFile
            + " ("
            + pods
            + (pods == 1 ? " pod)" : " pods)"));
    banner.add(
        "  STS emulator   "
            + stsEndpoint
            + "   region "
            + stsSettings.region().id()
            + ", "
            + process.identity().describe());
    ops.listen()
        .ifPresent(
            metrics ->
                banner.add(
                    "  metrics        http://"
                        + metrics.getHostString()
                        + ":"
                        + metrics.getPort()
                        + "/metrics   probes /healthz /readyz"));
    banner.add("Try (the pod at 127.0.0.1 is dev/web):");
    banner.add(
        "  AWS_EC2_METADATA_SERVICE_ENDPOINT="
            + imdsUrl
            + "/ /usr/bin/aws sts get-caller-identity --endpoint-url "
            + stsEndpoint
            + " --region "
            + stsSettings.region().id());
    return banner.toString();
  }
}
