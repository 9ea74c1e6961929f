package io.podium.stsemulator;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * An in-process AWS STS for development and tests. It speaks STS's query protocol (form-encoded
 * POST or GET to {@code /}, XML answers) so that unmodified SDKs and the AWS CLI can call
 * AssumeRole, AssumeRoleWithWebIdentity and GetCallerIdentity, verifies SigV4 signatures against
 * its bootstrap credentials and the sessions it issued, and can inject latency, throttling and
 * errors.
 *
 * <pre>{@code
 * try (StsEmulator sts = StsEmulator.builder().accountId("123456789012").build()) {
 *   InetSocketAddress address = sts.start(new InetSocketAddress("127.0.0.1", 0));
 *   sts.faults().throttleNext(2);
 *   ... StsClient.builder().endpointOverride(sts.endpoint()) ...
 *   assertThat(sts.stats().callCount("AssumeRole")).isEqualTo(3);
 * }
 * }</pre>
 *
 * <p>It is not a security boundary: it keeps every issued secret in memory, and without registered
 * OIDC providers web identity tokens are only decoded, not signature-checked.
 */
public final class StsEmulator implements AutoCloseable {

  /** The account of the bootstrap user unless another is set. */
  public static final String DEFAULT_ACCOUNT_ID = "123456789012";

  /** Requests with larger bodies are refused with 413. */
  public static final int DEFAULT_MAX_BODY_BYTES = 256 * 1024;

  private static final Logger log = LoggerFactory.getLogger(StsEmulator.class);

  private final StsServer server;
  private final StsRouter router;
  private final StsHttpHandler httpHandler;
  private final StsFaults faults;
  private final StsStats stats;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final List<OidcProvider> oidcProviders;
  private volatile @Nullable URI endpoint;

  private StsEmulator(Builder builder) {
    Clock clock = builder.clock;
    // build() sets it.
    SecureRandom random = Objects.requireNonNull(builder.random);
    String bootstrapArn =
        builder.bootstrapArn.orElse("arn:aws:iam::" + builder.accountId + ":user/podium-emulator");
    RoleCatalog roles =
        builder.roles.<RoleCatalog>map(RoleCatalog.Listed::of).orElseGet(RoleCatalog.AnyRole::new);
    StsIds ids = new StsIds(random);
    JsonMapper json = new JsonMapper();
    SessionStore sessions = new SessionStore();
    this.stats = new StsStats();
    this.faults = new StsFaults(random);
    SessionIssuer issuer = new SessionIssuer(roles, sessions, ids, clock, stats);
    SessionPolicies policies = new SessionPolicies(json);
    this.oidcProviders = builder.oidcProviders;
    WebIdentityTokens webIdentityTokens =
        oidcProviders.isEmpty()
            ? new WebIdentityTokenDecoder(json)
            : new WebIdentityTokenVerifier(oidcProviders);
    SigV4Verifier verifier =
        new SigV4Verifier(
            builder.bootstrapCredentials,
            new Caller.User(bootstrapArn, builder.accountId),
            sessions,
            clock);
    this.router =
        new StsRouter(
            List.of(
                new AssumeRoleAction(issuer, policies),
                new AssumeRoleWithWebIdentityAction(issuer, policies, webIdentityTokens, clock),
                new GetCallerIdentityAction()),
            verifier,
            faults,
            stats,
            new StsXml(),
            ids);
    this.httpHandler = new StsHttpHandler(router, clock);
    this.server =
        new StsServer(
            new StsChannelInitializer(httpHandler, builder.maxBodyBytes), builder.threads);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts listening.
   *
   * @param address where to listen; port 0 picks a free port
   * @return the address actually bound
   * @throws IOException when the address cannot be bound
   */
  public InetSocketAddress start(InetSocketAddress address) throws IOException {
    InetSocketAddress bound = server.start(address);
    // A wildcard address is where it listens, not where clients should connect.
    InetAddress host =
        bound.getAddress().isAnyLocalAddress()
            ? InetAddress.getLoopbackAddress()
            : bound.getAddress();
    String literal = host.getHostAddress();
    endpoint =
        URI.create(
            "http://"
                + (host instanceof Inet6Address ? "[" + literal + "]" : literal)
                + ":"
                + bound.getPort());
    log.info("STS emulator listening on {}", endpoint);
    if (oidcProviders.isEmpty()) {
      log.info(
          "No OIDC provider registered: web identity tokens are decoded, NOT verified (development"
              + " mode; register providers to check them as STS does)");
    }
    for (OidcProvider provider : oidcProviders) {
      log.info(
          "OIDC provider {} (audiences {}): web identity tokens verified with the keys of {}",
          provider.issuer(),
          provider.clientIds(),
          provider.keys().describe());
    }
    return bound;
  }

  /** {@code http://host:port} of the started emulator, for {@code endpointOverride}. */
  public URI endpoint() {
    URI current = endpoint;
    if (current == null) {
      throw new IllegalStateException("the STS emulator is not started");
    }
    return current;
  }

  /** Fault injection, effective from the next request. */
  public StsFaults faults() {
    return faults;
  }

  /** What the emulator has been asked so far. */
  public StsStats stats() {
    return stats;
  }

  /** Answers one request without the network; for tests of the actions. */
  StsReply handle(StsRequest request) {
    return router.handle(request);
  }

  /** The Netty handler, for {@code EmbeddedChannel} tests. */
  StsHttpHandler httpHandler() {
    return httpHandler;
  }

  /** Completes once {@link #close()} has run. */
  public CompletableFuture<Void> closeFuture() {
    return closed;
  }

  /** Stops listening and shuts the emulator's event loops down; idempotent. */
  @Override
  public void close() {
    server.close();
    oidcProviders.forEach(provider -> provider.keys().close());
    if (closed.complete(null)) {
      log.info("STS emulator stopped");
    }
  }

  /** Configures an emulator; every setting has a development default. */
  public static final class Builder {

    private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");

    private String accountId = DEFAULT_ACCOUNT_ID;
    private BootstrapCredentials bootstrapCredentials = BootstrapCredentials.devDefaults();
    private Optional<String> bootstrapArn = Optional.empty();
    private Optional<List<RoleDefinition>> roles = Optional.empty();
    private Clock clock = Clock.systemUTC();
    private @Nullable SecureRandom random;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private int threads = 2;
    private List<OidcProvider> oidcProviders = List.of();

    private Builder() {}

    /**
     * OIDC providers whose web identity tokens AssumeRoleWithWebIdentity accepts, verified as STS
     * does; without any, tokens are only decoded (development mode).
     */
    public Builder oidcProviders(List<OidcProvider> providers) {
      List<OidcProvider> copy = List.copyOf(providers);
      new WebIdentityTokenVerifier(copy);
      this.oidcProviders = copy;
      return this;
    }

    /** The bootstrap user's twelve-digit account; default {@value #DEFAULT_ACCOUNT_ID}. */
    public Builder accountId(String accountId) {
      if (accountId == null || !ACCOUNT_ID.matcher(accountId).matches()) {
        throw new IllegalArgumentException(
            "the account id must be twelve digits, e.g. " + DEFAULT_ACCOUNT_ID);
      }
      this.accountId = accountId;
      return this;
    }

    /** The bootstrap user's keys; default {@link BootstrapCredentials#devDefaults()}. */
    public Builder bootstrapCredentials(BootstrapCredentials credentials) {
      this.bootstrapCredentials = Objects.requireNonNull(credentials, "credentials");
      return this;
    }

    /**
     * The bootstrap user's ARN, as GetCallerIdentity reports it; default {@code
     * arn:aws:iam::<account>:user/podium-emulator}.
     */
    public Builder bootstrapArn(String arn) {
      if (arn == null || !arn.startsWith("arn:")) {
        throw new IllegalArgumentException("the bootstrap ARN must be an ARN, got " + arn);
      }
      this.bootstrapArn = Optional.of(arn);
      return this;
    }

    /**
     * Only these roles exist (others are AccessDenied); without this call any valid role ARN may be
     * assumed with IAM's defaults.
     */
    public Builder roles(List<RoleDefinition> roles) {
      List<RoleDefinition> copy = List.copyOf(roles);
      RoleCatalog.Listed.of(copy);
      this.roles = Optional.of(copy);
      return this;
    }

    /** The clock for session expiry and signature freshness; default the system's UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The source of keys, tokens and fault decisions; default a new {@link SecureRandom}. */
    public Builder random(SecureRandom random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** The largest request body accepted; default {@value #DEFAULT_MAX_BODY_BYTES}. */
    public Builder maxBodyBytes(int maxBodyBytes) {
      if (maxBodyBytes < 1024) {
        throw new IllegalArgumentException("maxBodyBytes must be at least 1024");
      }
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    /** Event-loop threads; default 2. */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be at least 1");
      }
      this.threads = threads;
      return this;
    }

    public StsEmulator build() {
      if (random == null) {
        random = new SecureRandom();
      }
      return new StsEmulator(this);
    }
  }
}
