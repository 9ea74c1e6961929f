package io.podium.containercredentials;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.core.PodClaims;
import io.podium.core.PodCredentialService;
import io.podium.core.PodDirectory;
import io.podium.core.RoleDecider;
import io.podium.core.broker.BrokerObserver;
import io.podium.core.broker.BrokerSettings;
import io.podium.core.broker.CredentialBroker;
import io.podium.core.pod.PodIdentity;
import io.podium.core.pod.PodIpIndex;
import io.podium.core.pod.PodLookup;
import io.podium.core.role.AllowedRoles;
import io.podium.core.role.NamespacePolicy;
import io.podium.core.role.RoleBaseArn;
import io.podium.core.role.RolePolicy;
import io.podium.core.role.RoleResolver;
import io.podium.core.session.SessionDurations;
import io.podium.core.session.SessionRequestFactory;
import io.podium.imds.ImdsDocuments;
import io.podium.imds.ImdsRenderer;
import io.podium.imds.MetadataSettings;
import io.podium.oidc.IssuerUrl;
import io.podium.oidc.ServiceAccountTokenMinter;
import io.podium.oidc.ServiceAccountTokenMinter.BoundPod;
import io.podium.oidc.TestKeys;
import io.podium.testing.FakeIssuer;
import io.podium.testing.LogCapture;
import io.podium.testing.ManualScheduler;
import io.podium.testing.MutableClock;
import io.podium.testing.TestPods;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The refusal matrix of {@code GET /v1/credentials} over real sockets: the real endpoint, the real
 * core (pod directory, role decision, broker), tokens signed like the API server's, and "pods" at
 * 127.0.0.x addresses so that the TCP source address is each pod's own.
 */
class ContainerCredentialsEndpointTest {

  private static final String NODE = "node-1";
  private static final Optional<RoleBaseArn> BASE =
      Optional.of(RoleBaseArn.parse("arn:aws:iam::123456789012:role/"));
  private static final IssuerUrl ISSUER = IssuerUrl.parse("https://oidc.cluster.test");
  private static final String AUDIENCE = ContainerCredentialsSettings.DEFAULT_AUDIENCE;
  private static final String HOST = "Host: 127.0.0.1";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @RegisterExtension final LogCapture logs = new LogCapture();

  private final MutableClock clock = MutableClock.at("2026-12-01T10:00:00Z");
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final FakeIssuer sts = new FakeIssuer(clock);
  private final Directory directory = new Directory();
  private final ServiceAccountTokenMinter minter =
      new ServiceAccountTokenMinter(ISSUER, TestKeys.rsa());
  private final ServiceAccountKeys keys =
      ServiceAccountKeys.of(List.of(minter.publicKey()), Set.of(ISSUER.toString()));
  private final List<String> tokensSent = new ArrayList<>();
  private ContainerCredentialsServer server;

  /** An in-memory pod source on the real index, as the file and informer sources use it. */
  private final class Directory implements PodDirectory {
    final PodIpIndex index = new PodIpIndex();
    final Map<String, NamespacePolicy> namespaces = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<PodLookup> findByIp(InetAddress address) {
      return CompletableFuture.completedFuture(index.lookup(address, clock.instant()));
    }

    @Override
    public CompletionStage<Optional<PodIdentity>> findByUid(String uid) {
      return CompletableFuture.completedFuture(index.pod(uid));
    }

    @Override
    public NamespacePolicy namespacePolicy(String namespace) {
      return namespaces.getOrDefault(namespace, NamespacePolicy.unannotated(namespace));
    }
  }

  private MetadataSettings limits = MetadataSettings.builder().build();

  private InetSocketAddress start(boolean checkAddress, ServiceAccountKeys serving) {
    ImdsRenderer renderer = new ImdsRenderer(JsonMapper.builder().build());
    CredentialBroker<ImdsDocuments> broker =
        new CredentialBroker<>(
            sts,
            renderer,
            BrokerSettings.defaults(SessionDurations.defaults()),
            clock,
            scheduler,
            Runnable::run,
            BrokerObserver.NONE,
            new SplittableRandom(1));
    RoleDecider decider =
        new RoleDecider(
            new RoleResolver(BASE, Optional.empty()),
            new RolePolicy(true),
            SessionRequestFactory.withDefaults());
    PodCredentialService<ImdsDocuments> service =
        new PodCredentialService<>(
            directory,
            decider,
            broker,
            scheduler,
            Duration.ofMillis(900),
            new PodClaims.Checks(checkAddress, Optional.of(NODE)),
            clock);
    server =
        new ContainerCredentialsServer(
                new ContainerCredentialsSettings(
                    List.of(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 0)),
                    AUDIENCE,
                    limits),
                serving,
                service,
                new PrometheusRegistry(),
                clock)
            .start();
    return server.addresses().getFirst();
  }

  private InetSocketAddress start() {
    return start(true, keys);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private PodIdentity pod(PodIdentity pod) {
    directory.index.upsert(pod);
    return pod;
  }

  private String token(PodIdentity pod) {
    return token(pod, pod.nodeName(), AUDIENCE);
  }

  private String token(PodIdentity pod, String node, String audience) {
    Instant now = clock.instant();
    String token =
        minter.mintForPod(
            new BoundPod(pod.namespace(), pod.name(), pod.uid(), pod.serviceAccount(), node),
            List.of(audience),
            now,
            now.plus(Duration.ofHours(1)));
    tokensSent.add(token);
    return token;
  }

  private PodSocket.Response get(InetSocketAddress at, String source, String... headers)
      throws IOException {
    return PodSocket.send(source, at, "GET", ContainerCredentialsSettings.PATH, headers);
  }

  private static JsonNode json(PodSocket.Response response) {
    return JSON.readTree(response.body());
  }

  private static void assertError(PodSocket.Response response, int status, String code) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.headers()).containsEntry("content-type", "application/json");
    JsonNode body = json(response);
    assertThat(body.path("Code").asString()).isEqualTo(code);
    assertThat(body.path("Message").asString()).isNotBlank();
  }

  @Test
  void issuesThePodsRoleForItsOwnTokenFromItsOwnAddress() throws IOException {
    directory.namespaces.put(
        "shop", NamespacePolicy.compile("shop", ".*", AllowedRoles.ABSENT, BASE));
    PodIdentity web =
        pod(TestPods.running("shop", "web").withIp("127.0.0.2").withRole("reader").build());
    InetSocketAddress at = start();

    PodSocket.Response response = get(at, "127.0.0.2", HOST, "Authorization: " + token(web));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.headers()).containsEntry("content-type", "application/json");
    JsonNode body = json(response);
    assertThat(body.propertyNames())
        .containsExactlyInAnyOrder(
            "AccessKeyId", "SecretAccessKey", "Token", "AccountId", "Expiration");
    assertThat(body.path("AccountId").asString()).isEqualTo("123456789012");
    assertThat(body.path("AccessKeyId").asString()).startsWith("ASIAFAKE");
    assertThat(body.path("Expiration").asString()).matches("\\d{4}-\\d\\d-\\d\\dT[\\d:]{8}Z");
    assertThat(sts.calls()).isEqualTo(1);
  }

  @Test
  void refusesAnotherPodsTokenFromThisPodsAddress() throws IOException {
    directory.namespaces.put(
        "shop", NamespacePolicy.compile("shop", ".*", AllowedRoles.ABSENT, BASE));
    PodIdentity web =
        pod(TestPods.running("shop", "web").withIp("127.0.0.2").withRole("admin").build());
    pod(TestPods.running("shop", "thief").withIp("127.0.0.3").withRole("reader").build());
    InetSocketAddress at = start();

    PodSocket.Response stolen = get(at, "127.0.0.3", HOST, "Authorization: " + token(web));

    assertError(stolen, 403, "AccessDenied");
    assertThat(json(stolen).path("Message").asString()).doesNotContain("thief");
    assertThat(sts.calls()).isZero();
    assertThat(String.join("\n", logs.messagesFrom("io.podium.containercredentials")))
        .contains("presented from 127.0.0.3", "shop/thief", "wrong_address");
  }

  @Test
  void refusesATokenFromAnAddressNoPodHolds() throws IOException {
    PodIdentity web =
        pod(TestPods.running("shop", "web").withIp("127.0.0.2").withRole("reader").build());
    InetSocketAddress at = start();

    assertError(
        get(at, "127.0.0.9", HOST, "Authorization: " + token(web)), 503, "ServiceUnavailable");
    assertThat(sts.calls()).isZero();
  }

  @Test
  void withTheAddressCheckOffTheTokenAloneNamesThePod() throws IOException {
    directory.namespaces.put(
        "shop", NamespacePolicy.compile("shop", ".*", AllowedRoles.ABSENT, BASE));
    PodIdentity web =
        pod(TestPods.running("shop", "web").withIp("127.0.0.2").withRole("reader").build());
    InetSocketAddress at = start(false, keys);

    assertThat(get(at, "127.0.0.9", HOST, "Authorization: " + token(web)).status()).isEqualTo(200);
  }

  @Test
  void refusesATokenIssuedOnAnotherNode() throws IOException {
    PodIdentity web =
        pod(TestPods.running("shop", "web").withIp("127.0.0.2").withRole("reader").build());
    InetSocketAddress at = start();

    assertError(
        get(at, "127.0.0.2", HOST, "Authorization: " + token(web, "node-2", AUDIENCE)),
        403,
        "AccessDenied");
    assertThat(sts.calls()).isZero();
  }

  @Test
  void refusesAPodScheduledOnAnotherNode() throws IOException {
    PodIdentity web =
        pod(
            TestPods.running("shop", "web")
                .withIp("127.0.0.2")
                .withRole("reader")
                .onNode("node-2")
                .build());
    InetSocketAddress at = start(false, keys);

    assertError(get(at, "127.0.0.2", HOST, "Authorization: " + token(web)), 403, "AccessDenied");
  }

  @Test
  void refusesAFinishedPodsToken() throws IOException {
    PodIdentity done =
        pod(
            TestPods.running("shop", "job")
                .withIp("127.0.0.2")
                .withRole("reader")
                .succeeded()
                .build());
    InetSocketAddress at = start(false, keys);

    assertError(get(at, "127.0.0.2", HOST, "Authorization: " + token(done)), 403, "AccessDenied");
  }

  @Test
  void refusesARoleTheNamespaceDoesNotPermit() throws IOException {
    PodIdentity web =
        pod(TestPods.running("locked", "web").withIp("127.0.0.2").withRole("admin").build());
    InetSocketAddress at = start();

    assertError(get(at, "127.0.0.2", HOST, "Authorization: " + token(web)), 403, "AccessDenied");
    assertThat(sts.calls()).isZero();
  }

  @Test
  void answersNoRoleForAPodWithoutOne() throws IOException {
    PodIdentity web = pod(TestPods.running("shop", "web").withIp("127.0.0.2").build());
    InetSocketAddress at = start();

    assertError(get(at, "127.0.0.2", HOST, "Authorization: " + token(web)), 404, "NoRole");
  }

  @Test
  void answersStsDenialAs403AndStsOutageAs503() throws IOException {
    directory.namespaces.put(
        "shop", NamespacePolicy.compile("shop", ".*", AllowedRoles.ABSENT, BASE));
    PodIdentity denied =
        pod(TestPods.running("shop", "a").withIp("127.0.0.2").withRole("denied").build());
    PodIdentity down =
        pod(TestPods.running("shop", "b").withIp("127.0.0.3").withRole("down").build());
    InetSocketAddress at = start();

    sts.failWith(FakeIssuer::accessDenied);
    assertError(get(at, "127.0.0.2", HOST, "Authorization: " + token(denied)), 403, "AccessDenied");
    sts.failWith(FakeIssuer::unavailable);
    assertError(
        get(at, "127.0.0.3", HOST, "Authorization: " + token(down)), 503, "ServiceUnavailable");
  }

  @Test
  void answersTooManyRequestsBeyondTheSourcesRate() throws IOException {
    directory.namespaces.put(
        "shop", NamespacePolicy.compile("shop", ".*", AllowedRoles.ABSENT, BASE));
    PodIdentity web =
        pod(TestPods.running("shop", "web").withIp("127.0.0.2").withRole("reader").build());
    limits = MetadataSettings.builder().maxRequestsPerSecond(1).rateLimitBurst(1).build();
    InetSocketAddress at = start();
    String token = token(web);

    PodSocket.Response first = get(at, "127.0.0.2", HOST, "Authorization: " + token);
    List<PodSocket.Response> more = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      more.add(get(at, "127.0.0.2", HOST, "Authorization: " + token));
    }

    assertThat(first.status()).as(first.body()).isEqualTo(200);
    // One request a second, a burst of one: the next ones in the same second are refused.
    PodSocket.Response refused =
        more.stream().filter(response -> response.status() == 429).findFirst().orElseThrow();
    assertError(refused, 429, "TooManyRequests");
    assertThat(sts.calls()).isEqualTo(1);
  }

  @Test
  void refusesMissingAndMalformedTokensWithoutAskingAnyone() throws IOException {
    pod(TestPods.running("shop", "web").withIp("127.0.0.2").withRole("reader").build());
    InetSocketAddress at = start();

    assertError(get(at, "127.0.0.2", HOST), 400, "MissingToken");
    assertError(get(at, "127.0.0.2", HOST, "Authorization: "), 400, "MissingToken");
    assertError(get(at, "127.0.0.2", HOST, "Authorization: not-a-jwt"), 400, "InvalidToken");
    assertThat(sts.calls()).isZero();
  }

  @Test
  void refusesTokensTheClusterDidNotIssueForThisAudience() throws IOException {
    PodIdentity web =
        pod(TestPods.running("shop", "web").withIp("127.0.0.2").withRole("reader").build());
    ServiceAccountTokenMinter stranger = new ServiceAccountTokenMinter(ISSUER, TestKeys.ec());
    Instant now = clock.instant();
    String foreign =
        stranger.mintForPod(
            new BoundPod("shop", "web", web.uid(), "default", NODE),
            List.of(AUDIENCE),
            now,
            now.plusSeconds(3600));
    InetSocketAddress at = start();

    assertError(get(at, "127.0.0.2", HOST, "Authorization: " + foreign), 403, "AccessDenied");
    assertError(
        get(at, "127.0.0.2", HOST, "Authorization: " + token(web, NODE, "sts.amazonaws.com")),
        403,
        "AccessDenied");
    assertThat(sts.calls()).isZero();
  }

  @Test
  void refusesAHostThatIsNotABoundAddress() throws IOException {
    PodIdentity web =
        pod(TestPods.running("shop", "web").withIp("127.0.0.2").withRole("reader").build());
    InetSocketAddress at = start();

    assertError(
        get(at, "127.0.0.2", "Host: metadata.attacker.example", "Authorization: " + token(web)),
        403,
        "AccessDenied");
    assertError(get(at, "127.0.0.2", "Authorization: " + token(web)), 403, "AccessDenied");
    assertThat(sts.calls()).isZero();
  }

  @Test
  void answersOnlyGetOnItsOnePath() throws IOException {
    PodIdentity web =
        pod(TestPods.running("shop", "web").withIp("127.0.0.2").withRole("reader").build());
    InetSocketAddress at = start();

    PodSocket.Response post =
        PodSocket.send(
            "127.0.0.2",
            at,
            "POST",
            ContainerCredentialsSettings.PATH,
            HOST,
            "Authorization: " + token(web),
            "Content-Length: 0");
    assertError(post, 405, "MethodNotAllowed");
    assertThat(post.headers()).containsEntry("allow", "GET");
    assertError(
        PodSocket.send("127.0.0.2", at, "GET", "/latest/meta-data/", HOST), 404, "NotFound");
  }

  @Test
  void answers503UntilTheClustersKeysAreKnown() throws IOException {
    PodIdentity web =
        pod(TestPods.running("shop", "web").withIp("127.0.0.2").withRole("reader").build());
    InetSocketAddress at = start(true, new ServiceAccountKeys());

    assertError(
        get(at, "127.0.0.2", HOST, "Authorization: " + token(web)), 503, "ServiceUnavailable");
  }

  @Test
  void logsNeitherTokensNorSecrets() throws IOException {
    directory.namespaces.put(
        "shop", NamespacePolicy.compile("shop", ".*", AllowedRoles.ABSENT, BASE));
    PodIdentity web =
        pod(TestPods.running("shop", "web").withIp("127.0.0.2").withRole("reader").build());
    PodIdentity other =
        pod(TestPods.running("shop", "other").withIp("127.0.0.3").withRole("reader").build());
    InetSocketAddress at = start();

    JsonNode issued = json(get(at, "127.0.0.2", HOST, "Authorization: " + token(web)));
    get(at, "127.0.0.2", HOST, "Authorization: " + token(other));
    get(at, "127.0.0.2", HOST, "Authorization: " + token(web, NODE, "wrong"));

    String output = logs.allOutput();
    assertThat(String.join("\n", logs.messagesFrom("io.podium.containercredentials")))
        .contains("Refused GET /v1/credentials from 127.0.0.2 with 403");
    for (String token : tokensSent) {
      assertThat(output).doesNotContain(token).doesNotContain(token.split("\\.")[2]);
    }
    assertThat(output)
        .doesNotContain(issued.path("SecretAccessKey").asString())
        .doesNotContain(issued.path("Token").asString());
  }
}
