package io.podium.cli;

import static io.podium.cli.OptionErrors.invalid;

import com.nimbusds.jose.jwk.JWKSet;
import io.podium.aws.StsSettings;
import io.podium.containercredentials.ContainerCredentialsSettings;
import io.podium.containercredentials.ServiceAccountKeys;
import io.podium.core.PodClaims;
import io.podium.oidc.IssuerUrl;
import io.podium.oidc.ProjectedTokenFiles;
import io.podium.oidc.ServiceAccountTokenMinter;
import io.podium.stsemulator.BootstrapCredentials;
import io.podium.stsemulator.JwksSource;
import io.podium.stsemulator.OidcProvider;
import io.podium.stsemulator.StsEmulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * and no real metadata service anywhere. It also plays the cluster's token issuer: every pod gets
 * projected-style service-account tokens in {@code --token-dir}, signed with a key of its own, for
 * its container-credentials endpoint (EKS Pod Identity) and for IRSA against its emulator, which
 * trusts that issuer.
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
      "Everything on loopback: the metadata API on --imds-listen, the container-credentials"
          + " endpoint on --container-credentials-listen, the built-in STS emulator on"
          + " --sts-listen, pods from --pods-file (examples/dev-pods.yaml puts the pod dev/web at"
          + " 127.0.0.1). Each pod's service-account tokens are written to --token-dir, signed by"
          + " dev mode's own issuer, which the emulator trusts for AssumeRoleWithWebIdentity."
          + " Passthrough to a real metadata service is off. Takes every option of podium"
          + " standalone, with the loopback defaults shown below.",
      ""
    },
    optionListHeading = "%nOptions:%n",
    footerHeading = "%nTry:%n",
    footer = {
      "  AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:8181/ \\",
      "    aws sts get-caller-identity --endpoint-url http://127.0.0.1:4566 --region us-east-1",
      "  AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:8182/v1/credentials \\",
      "    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=target/dev-tokens/dev/web/token \\",
      "    aws sts get-caller-identity --endpoint-url http://127.0.0.1:4566 --region us-east-1"
    })
final class DevCommand implements Callable<Integer> {

  /** Loopback defaults for options shared with {@code podium standalone}. */
  static final class DevDefaults implements CommandLine.IDefaultValueProvider {
    static final Map<String, String> DEFAULTS =
        Map.of(
            "--imds-listen", "127.0.0.1:8181",
            "--container-credentials-listen", "127.0.0.1:8182",
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

  @Option(
      names = "--token-dir",
      paramLabel = "DIR",
      defaultValue = "target/dev-tokens",
      description =
          "Where each pod's service-account tokens are written and refreshed, as the kubelet"
              + " projects them: DIR/<namespace>/<pod>/token (audience of"
              + " --container-credentials-audience, for AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)"
              + " and DIR/<namespace>/<pod>/irsa-token (audience sts.amazonaws.com, for"
              + " AWS_WEB_IDENTITY_TOKEN_FILE); DIR/jwks.json holds the issuer's key (default:"
              + " ${DEFAULT-VALUE}).")
  Path tokenDir;

  @Mixin CredentialOptions credentials;
  @Mixin StsOptions sts;
  @Mixin MetadataOptions metadata;
  @Mixin ContainerCredentialsOptions containerCredentials;
  @Mixin OpsOptions ops;

  /** Dev mode's service-account issuer: not a real host, and never asked. */
  static final String ISSUER = "https://oidc.podium-dev.invalid";

  /** The file names of the tokens each pod gets. */
  static final String POD_IDENTITY_TOKEN = "token";

  static final String IRSA_TOKEN = "irsa-token";

  /** The projected tokens' lifetime: the kubelet's default for a projected volume. */
  static final Duration TOKEN_LIFETIME = Duration.ofHours(1);

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
    var metadataSettings = metadata.settings(stsSettings.region().id());
    Optional<ContainerCredentialsSettings> endpoint =
        containerCredentials.settings(metadataSettings, false);
    StandaloneProcess.Config config =
        new StandaloneProcess.Config(
            credentials.roleDecider(chained),
            credentials.brokerSettings(chained),
            credentials.stsWait(),
            stsSettings,
            metadataSettings,
            // dev mode never touches the host's rules.
            Optional.empty(),
            endpoint.map(
                settings ->
                    new StandaloneProcess.ContainerCredentials(
                        settings,
                        new PodClaims.Checks(containerCredentials.checkIp, Optional.empty()))));
    PodSourceFactory.checkFile(spec, podsFile);
    new Listeners(spec)
        .add("--imds-listen", config.metadata().listen())
        .add("--sts-listen", stsAddress)
        .add("--metrics-listen", ops.listen())
        .check();
    ServiceAccountTokenMinter minter =
        new ServiceAccountTokenMinter(IssuerUrl.parse(ISSUER), newKeyPair());
    Path jwks = writeJwks(minter);
    List<ProjectedTokenFiles.Projection> projections =
        List.of(
            new ProjectedTokenFiles.Projection(
                POD_IDENTITY_TOKEN, containerCredentials.audience.strip()),
            new ProjectedTokenFiles.Projection(IRSA_TOKEN, OidcProvider.DEFAULT_CLIENT_ID));

    StandaloneProcess.Parts parts =
        new StandaloneProcess.Parts(
            PodSourceFactory.file(podsFile, credentials.baseArn(), List.of()),
            Optional.empty(),
            Optional.of(
                new SigningKeySupply.Known(
                    ServiceAccountKeys.of(List.of(minter.publicKey()), Set.of(ISSUER)))),
            List.of(
                (clock, scheduler) ->
                    new ProjectedTokenFiles(
                        tokenDir, minter, projections, TOKEN_LIFETIME, clock, scheduler)));
    BootstrapCredentials bootstrap = BootstrapCredentials.devDefaults();
    credentials.warnAboutMigrationSwitches();
    return new LongRunningCommand(spec, logging, ops)
        .run(
            (registry, health, resources) -> {
              StsEmulator emulator =
                  resources.push(
                      StsEmulator.builder()
                          .bootstrapCredentials(bootstrap)
                          .oidcProviders(
                              List.of(
                                  new OidcProvider(
                                      ISSUER,
                                      JwksSource.file(jwks),
                                      List.of(OidcProvider.DEFAULT_CLIENT_ID))))
                          .build());
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

  /** A fresh P-256 key pair: dev mode's issuer key lives as long as the process. */
  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK makes P-256 keys", e);
    }
  }

  /** The issuer's JWKS, where the emulator reads it as IAM reads a provider's keys. */
  private Path writeJwks(ServiceAccountTokenMinter minter) {
    try {
      Files.createDirectories(tokenDir);
      Path jwks = tokenDir.resolve("jwks.json").toAbsolutePath();
      Files.writeString(
          jwks,
          new JWKSet(minter.publicKey()).toString(true) + System.lineSeparator(),
          StandardCharsets.UTF_8);
      return jwks;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to --token-dir " + tokenDir, e);
    }
  }

  private String banner(StandaloneProcess process, String stsEndpoint, StsSettings stsSettings) {
    InetSocketAddress imds = process.metadataAddress();
    List<InetSocketAddress> containerCredentialsAddresses = process.containerCredentialsAddresses();
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
    Optional<String> fullUri =
        containerCredentialsAddresses.stream()
            .findFirst()
            .map(address -> "http://" + HostPort.text(address) + "/v1/credentials");
    fullUri.ifPresent(
        uri ->
            banner.add(
                "  container credentials   " + uri + "   tokens in " + tokenDir.toAbsolutePath()));
    banner.add(
        "  STS emulator   "
            + stsEndpoint
            + "   region "
            + stsSettings.region().id()
            + ", account "
            + StsEmulator.DEFAULT_ACCOUNT_ID
            + ", trusting issuer "
            + ISSUER
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
    banner.add(
        "Try (the pod at 127.0.0.1 is dev/web; aws: a CLI with botocore 1.34.41 or newer for the"
            + " token file and AWS_ENDPOINT_URL_STS):");
    banner.add(
        "  AWS_EC2_METADATA_SERVICE_ENDPOINT="
            + imdsUrl
            + "/ /usr/bin/aws sts get-caller-identity --endpoint-url "
            + stsEndpoint
            + " --region "
            + stsSettings.region().id());
    Path webToken = tokenDir.toAbsolutePath().resolve("dev").resolve("web");
    fullUri.ifPresent(
        uri ->
            banner.add(
                "  AWS_CONTAINER_CREDENTIALS_FULL_URI="
                    + uri
                    + " AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="
                    + webToken.resolve(POD_IDENTITY_TOKEN)
                    + " aws sts get-caller-identity --endpoint-url "
                    + stsEndpoint
                    + " --region "
                    + stsSettings.region().id()));
    // The web identity call itself must reach the emulator too: AWS_ENDPOINT_URL_STS, which
    // botocore 1.31+ and the SDKs honour (Debian's AWS CLI 2.9.19 does not: it would ask AWS).
    banner.add(
        "  AWS_ENDPOINT_URL_STS="
            + stsEndpoint
            + " AWS_ROLE_ARN=arn:aws:iam::"
            + StsEmulator.DEFAULT_ACCOUNT_ID
            + ":role/dev-web AWS_WEB_IDENTITY_TOKEN_FILE="
            + webToken.resolve(IRSA_TOKEN)
            + " aws sts get-caller-identity --region "
            + stsSettings.region().id());
    return banner.toString();
  }
}
