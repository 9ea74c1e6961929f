package io.podium.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podium.core.broker.BrokerObserver;
import io.podium.core.broker.BrokerSettings;
import io.podium.core.broker.CredentialBroker;
import io.podium.core.broker.Credentials;
import io.podium.core.broker.IssuedCredentials;
import io.podium.core.broker.StsCallException;
import io.podium.core.role.RoleArn;
import io.podium.core.session.SessionDurations;
import io.podium.core.session.SessionRequest;
import io.podium.stsemulator.BootstrapCredentials;
import io.podium.stsemulator.RoleDefinition;
import io.podium.stsemulator.StsEmulator;
import io.podium.stsemulator.StsError;
import io.podium.testing.LogCapture;
import io.podium.testing.ManualScheduler;
import io.podium.testing.MutableClock;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The issuer against Podium's own STS emulator, which checks signatures, trust and session limits
 * and injects faults: how each failure surfaces, and how many attempts the SDK made for it.
 */
class StsCredentialIssuerEmulatorIT {

  private static final String ACCOUNT = StsEmulator.DEFAULT_ACCOUNT_ID;
  private static final String BOOTSTRAP_USER = "arn:aws:iam::" + ACCOUNT + ":user/podium-emulator";
  private static final RoleArn INTERMEDIATE =
      RoleArn.parse("arn:aws:iam::" + ACCOUNT + ":role/podium-intermediate");
  private static final RoleArn READER = RoleArn.parse("arn:aws:iam::" + ACCOUNT + ":role/reader");
  private static final RoleArn CHAINED_ONLY =
      RoleArn.parse("arn:aws:iam::" + ACCOUNT + ":role/chained-only");
  private static final String INTERMEDIATE_EXTERNAL_ID = "podium-intermediate-ext";

  /**
   * The reader trusts the bootstrap user and asks for an external id; chained-only trusts only
   * sessions of the intermediate role and allows 12 h sessions, so that only the 1 h cap on role
   * chaining can refuse a longer one.
   */
  private static final List<RoleDefinition> ROLES =
      List.of(
          RoleDefinition.of(INTERMEDIATE.toString())
              .withExternalId(INTERMEDIATE_EXTERNAL_ID)
              .trusting(BOOTSTRAP_USER),
          RoleDefinition.of(READER.toString())
              .withExternalId("reader-ext")
              .trusting(BOOTSTRAP_USER),
          RoleDefinition.of(CHAINED_ONLY.toString())
              .withMaxSessionDuration(Duration.ofHours(12))
              .trusting(INTERMEDIATE.toString()));

  @RegisterExtension final LogCapture logs = new LogCapture();

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final StsEmulator emulator = StsEmulator.builder().roles(ROLES).build();

  @AfterEach
  void stopEmulator() {
    emulator.close();
  }

  @Test
  void assumesRoleWithCredentialsTheEmulatorThenAccepts() throws IOException {
    start();
    IssuedCredentials issued;
    try (StsCredentialIssuer issuer = issuer(settings(), bootstrap())) {
      issued = issuer.issue(readerSession("web-7f9c"));
    }

    assertThat(issued.assumedRoleArn())
        .isEqualTo("arn:aws:sts::" + ACCOUNT + ":assumed-role/reader/web-7f9c");
    assertThat(callerArn(issued.credentials())).isEqualTo(issued.assumedRoleArn());
    assertThat(emulator.stats().callCount("AssumeRole")).isEqualTo(1);
  }

  @Test
  void chainsThroughTheIntermediateRoleThatAloneIsTrusted() throws IOException {
    start();
    StsSettings chained = settings().withIntermediateRole(INTERMEDIATE, INTERMEDIATE_EXTERNAL_ID);
    IssuedCredentials first;
    IssuedCredentials second;
    try (StsCredentialIssuer issuer = issuer(chained, bootstrap())) {
      first = issuer.issue(SessionRequest.of(CHAINED_ONLY, "web-1", Duration.ofHours(1)));
      second = issuer.issue(SessionRequest.of(CHAINED_ONLY, "web-2", Duration.ofMinutes(15)));
    }

    assertThat(callerArn(first.credentials()))
        .isEqualTo("arn:aws:sts::" + ACCOUNT + ":assumed-role/chained-only/web-1");
    assertThat(callerArn(second.credentials()))
        .isEqualTo("arn:aws:sts::" + ACCOUNT + ":assumed-role/chained-only/web-2");
    // One intermediate session, cached by the SDK's provider, then one call per pod session.
    assertThat(emulator.stats().callCount("AssumeRole")).isEqualTo(3);
  }

  @Test
  void mapsChainedSessionBeyondOneHourToInvalidRequestWithoutRetrying() throws IOException {
    start();
    StsSettings chained = settings().withIntermediateRole(INTERMEDIATE, INTERMEDIATE_EXTERNAL_ID);

    try (StsCredentialIssuer issuer = issuer(chained, bootstrap())) {
      assertThatThrownBy(
              () -> issuer.issue(SessionRequest.of(CHAINED_ONLY, "web-1", Duration.ofHours(2))))
          .isInstanceOfSatisfying(
              StsCallException.InvalidRequest.class,
              e -> {
                assertThat(e.errorCode()).isEqualTo("ValidationError");
                assertThat(e.retryable()).isFalse();
              });
      assertThat(errors("ValidationError")).isEqualTo(1);
    }
    assertThat(emulator.stats().callCount("AssumeRole")).isEqualTo(2);
  }

  @Test
  void retriesThroughInjectedThrottlingOnceForEachAttempt() throws IOException {
    start();
    emulator.faults().throttleNext(2);

    try (StsCredentialIssuer issuer = issuer(settings().withMaxAttempts(3), bootstrap())) {
      IssuedCredentials issued = issuer.issue(readerSession("web-7f9c"));

      assertThat(issued.assumedRoleArn()).endsWith(":assumed-role/reader/web-7f9c");
      ScrapedMetrics metrics = ScrapedMetrics.of(registry);
      assertThat(metrics.value("podium_sts_throttles_total")).isEqualTo(2);
      assertThat(metrics.value("podium_sts_calls_total{result=\"success\"}")).isEqualTo(1);
      assertThat(metrics.value("podium_sts_calls_total{result=\"error\"}")).isEqualTo(0);
    }
    assertThat(emulator.stats().callCount("AssumeRole")).isEqualTo(3);
  }

  @Test
  void theBrokerHalvesItsStsRateWhenStsKeepsThrottlingAndRecoversWhenItStops() throws IOException {
    start();
    emulator.faults().throttleFraction(1);
    // The emulator issues credentials by the real time: the broker's clock starts there.
    MutableClock clock = MutableClock.at(Instant.now().toString());
    ManualScheduler scheduler = new ManualScheduler(clock);
    BrokerSettings defaults = BrokerSettings.defaults(SessionDurations.defaults());
    try (StsCredentialIssuer issuer = issuer(settings().withMaxAttempts(3), bootstrap())) {
      CredentialBroker<String> broker =
          new CredentialBroker<>(
              issuer,
              (request, issued, obtainedAt) -> issued.credentials().accessKeyId(),
              defaults,
              clock,
              scheduler,
              Runnable::run,
              BrokerObserver.NONE,
              new SplittableRandom(7));
      broker.hold(readerSession("web-7f9c"));

      // Three attempts, all throttled: the SDK gave up, and the broker slowed down.
      assertThat(emulator.stats().callCount("AssumeRole")).isEqualTo(3);
      assertThat(broker.stsCallRate()).isEqualTo(defaults.stsCallsPerSecond() / 2);
      assertThat(logs.messagesFrom("io.podium.core"))
          .anyMatch(m -> m.startsWith("STS is throttling"));

      emulator.faults().throttleFraction(0);
      scheduler.advance(Duration.ofSeconds(10));
      assertThat(broker.cached(readerSession("web-7f9c"))).isPresent();
      assertThat(broker.stsCallRate()).isEqualTo(defaults.stsCallsPerSecond());
    }
  }

  @Test
  void surfacesPersistentThrottlingAsThrottledAfterTheLastAttempt() throws IOException {
    start();
    emulator.faults().throttleFraction(1);

    try (StsCredentialIssuer issuer = issuer(settings().withMaxAttempts(3), bootstrap())) {
      assertThatThrownBy(() -> issuer.issue(readerSession("web-7f9c")))
          .isInstanceOfSatisfying(
              StsCallException.Throttled.class,
              e -> {
                assertThat(e.errorCode()).isEqualTo("Throttling");
                assertThat(e.retryable()).isTrue();
              });
      ScrapedMetrics metrics = ScrapedMetrics.of(registry);
      assertThat(metrics.value("podium_sts_throttles_total")).isEqualTo(3);
      assertThat(metrics.value("podium_sts_errors_total{code=\"Throttling\"}")).isEqualTo(1);
    }
    assertThat(emulator.stats().callCount("AssumeRole")).isEqualTo(3);
  }

  @Test
  void retriesServerErrorsAndSurfacesThemAsUnavailable() throws IOException {
    start();
    emulator.faults().failNext(3, StsError.internalFailure());

    try (StsCredentialIssuer issuer = issuer(settings().withMaxAttempts(3), bootstrap())) {
      assertThatThrownBy(() -> issuer.issue(readerSession("web-7f9c")))
          .isInstanceOfSatisfying(
              StsCallException.Unavailable.class,
              e -> assertThat(e.errorCode()).isEqualTo("InternalFailure"));
    }
    assertThat(emulator.stats().callCount("AssumeRole")).isEqualTo(3);
  }

  @Test
  void mapsUnknownRoleToAccessDeniedWithoutRetrying() throws IOException {
    start();
    RoleArn unknown = RoleArn.parse("arn:aws:iam::" + ACCOUNT + ":role/not-in-the-roles-file");

    try (StsCredentialIssuer issuer = issuer(settings(), bootstrap())) {
      assertThatThrownBy(() -> issuer.issue(SessionRequest.of(unknown, "web", Duration.ofHours(1))))
          .isInstanceOfSatisfying(
              StsCallException.AccessDenied.class,
              e -> {
                assertThat(e.errorCode()).isEqualTo("AccessDenied");
                assertThat(e.retryable()).isFalse();
              });
      assertThat(errors("AccessDenied")).isEqualTo(1);
    }
    assertThat(emulator.stats().callCount("AssumeRole")).isEqualTo(1);
  }

  @Test
  void mapsRoleThatDoesNotTrustUsToAccessDenied() throws IOException {
    start();

    try (StsCredentialIssuer issuer = issuer(settings(), bootstrap())) {
      assertThatThrownBy(
              () -> issuer.issue(SessionRequest.of(CHAINED_ONLY, "web", Duration.ofHours(1))))
          .isInstanceOf(StsCallException.AccessDenied.class);
      assertThatThrownBy(
              () ->
                  issuer.issue(
                      new SessionRequest(
                          READER, "web", "wrong-ext", Duration.ofHours(1), Map.of(), null)))
          .isInstanceOf(StsCallException.AccessDenied.class);
    }
    assertThat(emulator.stats().callCount("AssumeRole")).isEqualTo(2);
  }

  @Test
  void mapsWrongBootstrapSecretToIssuerCredentialsWithSignatureDoesNotMatch() throws IOException {
    start();
    AwsCredentialsProvider wrongSecret =
        StaticCredentialsProvider.create(
            AwsBasicCredentials.create(
                BootstrapCredentials.DEV_ACCESS_KEY_ID, "notTheEmulatorsSecretKeyAtAll0000000000"));

    try (StsCredentialIssuer issuer = issuer(settings(), wrongSecret)) {
      assertThatThrownBy(() -> issuer.issue(readerSession("web-7f9c")))
          .isInstanceOfSatisfying(
              StsCallException.IssuerCredentials.class,
              e -> assertThat(e.errorCode()).isEqualTo("SignatureDoesNotMatch"));
    }
    assertThat(emulator.stats().callCount("AssumeRole")).isEqualTo(1);
    assertThat(logs.allOutput()).doesNotContain("notTheEmulatorsSecretKeyAtAll0000000000");
  }

  @Test
  void mapsIntermediateRoleRefusalToIssuerCredentialsNotToAPodDenial() throws IOException {
    start();
    StsSettings wrongExternalId = settings().withIntermediateRole(INTERMEDIATE, "not-the-one");

    try (StsCredentialIssuer issuer = issuer(wrongExternalId, bootstrap())) {
      assertThatThrownBy(
              () -> issuer.issue(SessionRequest.of(CHAINED_ONLY, "web", Duration.ofHours(1))))
          .isInstanceOfSatisfying(
              StsCallException.IssuerCredentials.class,
              e -> {
                assertThat(e.errorCode()).isEqualTo("AccessDenied");
                assertThat(e.getMessage()).contains("intermediate role");
              });
    }
    // Only the intermediate role was asked for; the pod's role never was.
    assertThat(emulator.stats().callCount("AssumeRole")).isEqualTo(1);
  }

  @Test
  void mapsStoppedEmulatorToUnavailable() throws IOException {
    start();
    StsSettings settings = settings().withMaxAttempts(2);
    emulator.close();

    try (StsCredentialIssuer issuer = issuer(settings, bootstrap())) {
      assertThatThrownBy(() -> issuer.issue(readerSession("web-7f9c")))
          .isInstanceOfSatisfying(
              StsCallException.Unavailable.class,
              e -> {
                assertThat(e.errorCode()).isEqualTo(StsErrorMapping.IO_ERROR);
                assertThat(e.retryable()).isTrue();
              });
    }
  }

  @Test
  void mapsSlowAnswersToUnavailableTimeoutWithinTheCallTimeout() throws IOException {
    start();
    emulator.faults().latency(Duration.ofSeconds(5));
    StsSettings impatient =
        settings().withTimeouts(Duration.ofMillis(1500), Duration.ofMillis(300)).withMaxAttempts(2);

    long started = System.nanoTime();
    try (StsCredentialIssuer issuer = issuer(impatient, bootstrap())) {
      assertThatThrownBy(() -> issuer.issue(readerSession("web-7f9c")))
          .isInstanceOfSatisfying(
              StsCallException.Unavailable.class,
              e -> assertThat(e.errorCode()).isEqualTo(StsErrorMapping.TIMEOUT));
    }
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
    assertThat(emulator.stats().callCount("AssumeRole")).isEqualTo(2);
  }

  @Test
  void neverLogsSecretsOfIssuedOrBootstrapCredentials() throws IOException {
    start();
    StsSettings chained = settings().withIntermediateRole(INTERMEDIATE, INTERMEDIATE_EXTERNAL_ID);
    IssuedCredentials issued;
    try (StsCredentialIssuer issuer = issuer(chained, bootstrap())) {
      issued = issuer.issue(SessionRequest.of(CHAINED_ONLY, "web-1", Duration.ofHours(1)));
      assertThatThrownBy(
              () -> issuer.issue(SessionRequest.of(CHAINED_ONLY, "web-2", Duration.ofHours(3))))
          .isInstanceOf(StsCallException.InvalidRequest.class);
    }

    assertThat(logs.allOutput())
        .as(StsCredentialIssuerMotoIT.LEAK_HINT)
        .contains("web-2", "ValidationError")
        .doesNotContain(issued.credentials().secretAccessKey())
        .doesNotContain(issued.credentials().sessionToken())
        .doesNotContain(BootstrapCredentials.DEV_SECRET_ACCESS_KEY);
  }

  private void start() throws IOException {
    emulator.start(new InetSocketAddress("127.0.0.1", 0));
  }

  private StsSettings settings() {
    return StsSettings.forRegion(Region.US_EAST_1).withEndpointOverride(emulator.endpoint());
  }

  private StsCredentialIssuer issuer(StsSettings settings, AwsCredentialsProvider base) {
    return new StsCredentialIssuer(settings, base, registry, Clock.systemUTC());
  }

  private static AwsCredentialsProvider bootstrap() {
    return StaticCredentialsProvider.create(
        AwsBasicCredentials.create(
            BootstrapCredentials.DEV_ACCESS_KEY_ID, BootstrapCredentials.DEV_SECRET_ACCESS_KEY));
  }

  private static SessionRequest readerSession(String sessionName) {
    return new SessionRequest(
        READER,
        sessionName,
        "reader-ext",
        Duration.ofHours(1),
        Map.of("kubernetes-namespace", "shop"),
        "podium");
  }

  private double errors(String code) {
    return ScrapedMetrics.of(registry).value("podium_sts_errors_total{code=\"" + code + "\"}");
  }

  /**
   * GetCallerIdentity on the emulator, which verifies the signature made with these credentials.
   */
  private String callerArn(Credentials credentials) {
    try (StsClient client =
        StsClient.builder()
            .region(Region.US_EAST_1)
            .endpointOverride(emulator.endpoint())
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsSessionCredentials.create(
                        credentials.accessKeyId(),
                        credentials.secretAccessKey(),
                        credentials.sessionToken())))
            .build()) {
      return client.getCallerIdentity().arn();
    }
  }
}
