package io.podium.cli;

import static io.podium.cli.OptionErrors.invalid;

import io.podium.stsemulator.BootstrapCredentials;
import io.podium.stsemulator.InvalidRolesFileException;
import io.podium.stsemulator.JwksSource;
import io.podium.stsemulator.OidcProvider;
import io.podium.stsemulator.RoleDefinition;
import io.podium.stsemulator.RolesFile;
import io.podium.stsemulator.StsEmulator;
import io.podium.stsemulator.StsError;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code podium sts-emulator}: runs the built-in STS emulator on its own until stopped. */
@Command(
    name = "sts-emulator",
    mixinStandardHelpOptions = true,
    versionProvider = PodiumVersion.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    headerHeading = "%n",
    header = "Run a local AWS STS emulator for development and tests.",
    descriptionHeading = "%n",
    description = {
      "Answers AssumeRole, AssumeRoleWithWebIdentity and GetCallerIdentity in STS's own wire"
          + " format, so that unmodified AWS SDKs and the AWS CLI can use it with an endpoint"
          + " override. Signed requests must carry a valid SigV4 signature by the bootstrap"
          + " credentials or by a session the emulator issued.",
      "",
      "AssumeRoleWithWebIdentity checks tokens as STS does (signature by kid, iss, aud, exp,"
          + " nbf, the role's conditions) for the issuers registered with --oidc-provider;"
          + " without any, tokens are only decoded (development mode, said at start).",
      "",
      "For development only: the bootstrap credentials default to the public values "
          + BootstrapCredentials.DEV_ACCESS_KEY_ID
          + " / "
          + BootstrapCredentials.DEV_SECRET_ACCESS_KEY
          + "."
    },
    optionListHeading = "%nOptions:%n",
    footerHeading = "%nExamples:%n",
    footer = {
      "  podium sts-emulator",
      "  podium sts-emulator --listen 127.0.0.1:0 --roles-file roles.yaml",
      "  podium sts-emulator --latency 50ms-150ms --throttle-fraction 0.1",
      "  podium sts-emulator --roles-file roles.yaml \\",
      "      --oidc-provider https://oidc.example.com/prod=out/openid/v1/jwks,sts.amazonaws.com",
      "",
      "  AWS_ACCESS_KEY_ID=" + BootstrapCredentials.DEV_ACCESS_KEY_ID,
      "  AWS_SECRET_ACCESS_KEY=" + BootstrapCredentials.DEV_SECRET_ACCESS_KEY,
      "  aws sts assume-role --region us-east-1 \\",
      "      --endpoint-url http://127.0.0.1:4566 --role-session-name dev \\",
      "      --role-arn arn:aws:iam::123456789012:role/reader",
      "",
      "Roles file (YAML, or JSON if named *.json):",
      "  roles:",
      "    - arn: arn:aws:iam::123456789012:role/reader",
      "      maxSessionDuration: 43200      # seconds, 3600..43200; default 3600",
      "      externalId: shared-secret      # optional; AssumeRole must pass it",
      "      trustedPrincipals:             # optional; only these callers may assume",
      "        - arn:aws:iam::123456789012:user/podium-emulator",
      "      conditions:                    # optional; AssumeRoleWithWebIdentity only",
      "        StringEquals:                # StringEquals, StringLike (* and ?)",
      "          oidc.example.com/prod:aud: sts.amazonaws.com",
      "        StringLike:",
      "          oidc.example.com/prod:sub: system:serviceaccount:team-a:*"
    })
public final class StsEmulatorCommand implements Callable<Integer> {

  private static final Pattern DURATION = Pattern.compile("(\\d{1,7})(ms|s)?");

  /** Where the emulator listens unless told otherwise, here and in {@code podium dev}. */
  static final String DEFAULT_LISTEN = "127.0.0.1:4566";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin LoggingOptions logging;

  @Option(
      names = "--listen",
      defaultValue = DEFAULT_LISTEN,
      paramLabel = "HOST:PORT",
      description =
          "Address to listen on; port 0 picks a free port. IPv6 as [::1]:4566."
              + " Default: ${DEFAULT-VALUE}.")
  String listen;

  @Option(
      names = "--roles-file",
      paramLabel = "FILE",
      description =
          "YAML or JSON list of the roles that exist (see below). Without it any syntactically"
              + " valid role ARN may be assumed, with a one-hour maximum session.")
  Path rolesFile;

  @Option(
      names = "--account-id",
      defaultValue = StsEmulator.DEFAULT_ACCOUNT_ID,
      paramLabel = "ACCOUNT",
      description = "Twelve-digit account of the bootstrap user. Default: ${DEFAULT-VALUE}.")
  String accountId;

  @Option(
      names = "--bootstrap-arn",
      paramLabel = "ARN",
      description =
          "ARN GetCallerIdentity reports for the bootstrap user."
              + " Default: arn:aws:iam::<account>:user/podium-emulator.")
  String bootstrapArn;

  @Option(
      names = "--bootstrap-access-key-id",
      defaultValue = BootstrapCredentials.DEV_ACCESS_KEY_ID,
      paramLabel = "KEY_ID",
      description = "Access key id of the bootstrap user. Default: ${DEFAULT-VALUE}.")
  String bootstrapAccessKeyId;

  @Option(
      names = "--bootstrap-secret-access-key",
      defaultValue = BootstrapCredentials.DEV_SECRET_ACCESS_KEY,
      paramLabel = "SECRET",
      description =
          "Secret access key of the bootstrap user. Default: the public development secret"
              + " shown above.")
  String bootstrapSecretAccessKey;

  @Option(
      names = "--oidc-provider",
      paramLabel = "ISSUER=JWKS[,AUDIENCE...]",
      description =
          "Register an OIDC provider, as IAM does: tokens whose iss is ISSUER (exactly, https) are"
              + " verified with the keys of JWKS, a JWKS file (re-read when it changes) or URL"
              + " (https; plain http only to loopback), and must carry one of the AUDIENCEs"
              + " (default: sts.amazonaws.com). Repeatable. Without it tokens are only decoded.")
  List<String> oidcProviders = new ArrayList<>();

  @Option(
      names = "--latency",
      paramLabel = "DURATION",
      description =
          "Delay every answer by a fixed time (100ms, 2s) or a uniformly random one in a range"
              + " (50ms-150ms). Bare numbers are milliseconds.")
  String latency;

  @Option(
      names = "--throttle-fraction",
      defaultValue = "0",
      paramLabel = "FRACTION",
      description = "Answer this fraction of requests (0 to 1) with 400 Throttling. Default: 0.")
  double throttleFraction;

  @Option(
      names = "--throttle-first",
      defaultValue = "0",
      paramLabel = "N",
      description = "Answer the first N requests with 400 Throttling. Default: 0.")
  int throttleFirst;

  @Option(
      names = "--fail-first",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "Answer the first N requests (after any throttled ones) with --fail-code. Default: 0.")
  int failFirst;

  @Option(
      names = "--fail-code",
      defaultValue = "InternalFailure",
      paramLabel = "CODE",
      description =
          "Error for --fail-first: InternalFailure (500), ServiceUnavailable (503), AccessDenied,"
              + " ExpiredToken, InvalidClientTokenId, SignatureDoesNotMatch (403), Throttling"
              + " (400). Default: ${DEFAULT-VALUE}.")
  String failCode;

  /** The validated settings of one run. */
  record Settings(
      InetSocketAddress listen,
      String accountId,
      Optional<String> bootstrapArn,
      BootstrapCredentials credentials,
      Optional<List<RoleDefinition>> roles,
      Optional<Latency> latency,
      double throttleFraction,
      int throttleFirst,
      int failFirst,
      StsError failError,
      List<OidcProviderSpec> oidcProviders) {}

  /** One --oidc-provider: the JWKS as a file or a URL. */
  record OidcProviderSpec(
      String issuer, Optional<Path> file, Optional<URI> url, List<String> audiences) {
    OidcProvider open() {
      JwksSource keys =
          file.map(JwksSource::file).orElseGet(() -> JwksSource.url(url.orElseThrow()));
      return new OidcProvider(issuer, keys, audiences);
    }
  }

  /** A fixed delay ({@code min == max}) or a uniform range. */
  record Latency(Duration min, Duration max) {}

  @Override
  public Integer call() {
    logging.apply();
    Settings settings = settings();
    new Listeners(spec).add("--listen", settings.listen()).check();
    PrintWriter out = spec.commandLine().getOut();
    StsEmulator emulator = emulator(settings);
    try {
      emulator.start(settings.listen());
    } catch (IOException e) {
      emulator.close();
      spec.commandLine().getErr().println("podium sts-emulator: " + e.getMessage() + " (--listen)");
      spec.commandLine().getErr().flush();
      return 1;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(emulator::close, "sts-emulator-shutdown"));
    String endpoint = emulator.endpoint().toString();
    String secret =
        settings.credentials().isDevDefault()
            ? settings.credentials().secretAccessKey()
            : "<your --bootstrap-secret-access-key>";
    out.println(
        "STS emulator listening on "
            + endpoint
            + " (account "
            + settings.accountId()
            + "); try: AWS_ACCESS_KEY_ID="
            + settings.credentials().accessKeyId()
            + " AWS_SECRET_ACCESS_KEY="
            + secret
            + " aws sts get-caller-identity --endpoint-url "
            + endpoint
            + " --region us-east-1");
    out.flush();
    emulator.closeFuture().join();
    return 0;
  }

  private static StsEmulator emulator(Settings settings) {
    StsEmulator.Builder builder =
        StsEmulator.builder()
            .accountId(settings.accountId())
            .bootstrapCredentials(settings.credentials())
            .random(new SecureRandom());
    settings.bootstrapArn().ifPresent(builder::bootstrapArn);
    settings.roles().ifPresent(builder::roles);
    builder.oidcProviders(settings.oidcProviders().stream().map(OidcProviderSpec::open).toList());
    StsEmulator emulator = builder.build();
    settings.latency().ifPresent(range -> emulator.faults().latency(range.min(), range.max()));
    emulator
        .faults()
        .throttleFraction(settings.throttleFraction())
        .throttleNext(settings.throttleFirst())
        .failNext(settings.failFirst(), settings.failError());
    return emulator;
  }

  /** Checks every option, with a message that says what to fix. */
  Settings settings() {
    if (!accountId.matches("\\d{12}")) {
      throw invalid(
          spec, "--account-id must be twelve digits, e.g. 123456789012; got '" + accountId + "'");
    }
    if (bootstrapArn != null && !bootstrapArn.startsWith("arn:")) {
      throw invalid(
          spec,
          "--bootstrap-arn must be an ARN such as arn:aws:iam::123456789012:user/dev; got '"
              + bootstrapArn
              + "'");
    }
    BootstrapCredentials credentials;
    try {
      credentials = new BootstrapCredentials(bootstrapAccessKeyId, bootstrapSecretAccessKey);
    } catch (IllegalArgumentException e) {
      throw invalid(
          spec, "--bootstrap-access-key-id / --bootstrap-secret-access-key: " + e.getMessage());
    }
    if (!(throttleFraction >= 0 && throttleFraction <= 1)) {
      throw invalid(
          spec, "--throttle-fraction must be from 0 to 1, e.g. 0.1; got " + throttleFraction);
    }
    if (throttleFirst < 0) {
      throw invalid(spec, "--throttle-first must not be negative; got " + throttleFirst);
    }
    if (failFirst < 0) {
      throw invalid(spec, "--fail-first must not be negative; got " + failFirst);
    }
    StsError failError;
    try {
      failError = StsError.forCode(failCode);
    } catch (IllegalArgumentException e) {
      throw invalid(spec, "--fail-code: " + e.getMessage());
    }
    Optional<List<RoleDefinition>> roles = Optional.empty();
    if (rolesFile != null) {
      try {
        roles = Optional.of(RolesFile.load(rolesFile));
      } catch (InvalidRolesFileException e) {
        throw invalid(spec, "--roles-file: " + e.getMessage());
      }
    }
    return new Settings(
        listenAddress(),
        accountId,
        Optional.ofNullable(bootstrapArn),
        credentials,
        roles,
        Optional.ofNullable(latency).map(this::latencyRange),
        throttleFraction,
        throttleFirst,
        failFirst,
        failError,
        oidcProviders.stream().map(this::oidcProvider).toList());
  }

  /** {@code ISSUER=JWKS[,AUDIENCE...]}, checked without touching the JWKS. */
  private OidcProviderSpec oidcProvider(String text) {
    String hint =
        "--oidc-provider must be ISSUER=JWKS[,AUDIENCE...], e.g."
            + " https://oidc.example.com/prod=jwks.json,sts.amazonaws.com; got '"
            + text
            + "'";
    int equals = text.indexOf('=');
    if (equals <= 0 || equals == text.length() - 1) {
      throw OptionErrors.invalid(spec, hint);
    }
    String issuer = text.substring(0, equals).strip();
    if (!issuer.startsWith("https://") || issuer.length() == "https://".length()) {
      throw OptionErrors.invalid(
          spec, hint + " (the issuer is an https URL, exactly the tokens' iss)");
    }
    String[] parts = text.substring(equals + 1).split(",", -1);
    String jwks = parts[0].strip();
    List<String> audiences = new ArrayList<>();
    for (int i = 1; i < parts.length; i++) {
      if (parts[i].isBlank()) {
        throw OptionErrors.invalid(spec, hint + " (an empty audience)");
      }
      audiences.add(parts[i].strip());
    }
    if (audiences.isEmpty()) {
      audiences.add(OidcProvider.DEFAULT_CLIENT_ID);
    }
    if (jwks.startsWith("http://") || jwks.startsWith("https://")) {
      URI uri;
      try {
        uri = URI.create(jwks);
        JwksSource.checkUrl(uri);
      } catch (IllegalArgumentException e) {
        throw OptionErrors.invalid(spec, "--oidc-provider " + issuer + ": " + e.getMessage());
      }
      return new OidcProviderSpec(issuer, Optional.empty(), Optional.of(uri), audiences);
    }
    Path file = Path.of(jwks);
    if (!Files.isReadable(file)) {
      throw OptionErrors.invalid(
          spec, "--oidc-provider " + issuer + ": JWKS file " + file + " cannot be read");
    }
    return new OidcProviderSpec(issuer, Optional.of(file), Optional.empty(), audiences);
  }

  private InetSocketAddress listenAddress() {
    try {
      return HostPort.listenAddress("--listen", listen, DEFAULT_LISTEN);
    } catch (IllegalArgumentException e) {
      throw invalid(spec, e);
    }
  }

  private Latency latencyRange(String text) {
    String hint =
        "--latency must be a duration like 100ms or 2s, or a range like 50ms-150ms; got '"
            + text
            + "'";
    String[] bounds = text.split("-", -1);
    if (bounds.length > 2) {
      throw invalid(spec, hint);
    }
    Duration min = duration(bounds[0], hint);
    Duration max = bounds.length == 2 ? duration(bounds[1], hint) : min;
    if (max.compareTo(min) < 0) {
      throw invalid(spec, "--latency range must not end before it starts; got '" + text + "'");
    }
    return new Latency(min, max);
  }

  private Duration duration(String text, String hint) {
    Matcher matcher = DURATION.matcher(text.strip());
    if (!matcher.matches()) {
      throw invalid(spec, hint);
    }
    long amount = Long.parseLong(matcher.group(1));
    return "s".equals(matcher.group(2)) ? Duration.ofSeconds(amount) : Duration.ofMillis(amount);
  }
}
