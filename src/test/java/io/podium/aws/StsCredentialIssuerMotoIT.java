package io.podium.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.podium.core.broker.Credentials;
import io.podium.core.broker.IssuedCredentials;
import io.podium.core.role.RoleArn;
import io.podium.core.session.SessionRequest;
import io.podium.testing.LogCapture;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/** The issuer against moto's STS: what goes on the wire, and what comes back. */
class StsCredentialIssuerMotoIT {

  private static final String BASE_KEY_ID = "AKIAPODIUMBASE00001";
  private static final String BASE_SECRET = "podium-base-secret-never-logged";
  private static final RoleArn TARGET = RoleArn.parse("arn:aws:iam::123456789012:role/team/reader");
  private static final RoleArn INTERMEDIATE =
      RoleArn.parse("arn:aws:iam::210987654321:role/podium-intermediate");

  /** Shown when a secret is found: the usual cause is HTTP wire logging left at debug. */
  static final String LEAK_HINT =
      "no log line may carry a secret; if one is an org.apache.hc wire line, the logging set-up did not"
          + " load (LogbackDefaults and logback-test.xml keep org.apache.hc and software.amazon.awssdk at WARN)";

  private static MotoServer moto;

  @RegisterExtension final LogCapture logs = new LogCapture();

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Logger awsLogger = (Logger) LoggerFactory.getLogger("io.podium.aws");
  private Level awsLevel;

  @BeforeAll
  static void startMoto() throws IOException {
    moto = MotoServer.start();
  }

  @AfterAll
  static void stopMoto() {
    if (moto != null) {
      moto.close();
    }
  }

  @BeforeEach
  void freshMotoAndDebugLogs() {
    moto.reset();
    // Success lines are at debug: they must be rendered to prove they carry no secret.
    awsLevel = awsLogger.getLevel();
    awsLogger.setLevel(Level.DEBUG);
  }

  @AfterEach
  void restoreLogLevel() {
    awsLogger.setLevel(awsLevel);
  }

  @Test
  void assumesRoleWithEveryInputOfTheRequest() {
    SessionRequest request =
        new SessionRequest(
            TARGET,
            "web-7f9c",
            "shop-external-id",
            Duration.ofMinutes(15),
            Map.of("kubernetes-namespace", "shop", "kubernetes-pod-name", "web-7f9c"),
            "podium-web");

    IssuedCredentials issued;
    try (StsCredentialIssuer issuer = issuer(settings())) {
      issued = issuer.issue(request);
    }

    assertThat(issued.assumedRoleArn())
        .isEqualTo("arn:aws:sts::123456789012:assumed-role/reader/web-7f9c");
    Credentials credentials = issued.credentials();
    assertThat(credentials.accessKeyId()).startsWith("ASIA");
    assertThat(credentials.secretAccessKey()).isNotBlank();
    assertThat(credentials.sessionToken()).isNotBlank();
    assertThat(credentials.expiration())
        .isCloseTo(Instant.now().plus(Duration.ofMinutes(15)), within(Duration.ofMinutes(1)));

    List<MotoServer.RecordedRequest> calls = moto.requests("AssumeRole");
    assertThat(calls).hasSize(1);
    MotoServer.RecordedRequest call = calls.getFirst();
    assertThat(call.form())
        .containsEntry("RoleArn", TARGET.toString())
        .containsEntry("RoleSessionName", "web-7f9c")
        .containsEntry("ExternalId", "shop-external-id")
        .containsEntry("DurationSeconds", "900")
        .containsEntry("SourceIdentity", "podium-web")
        .containsEntry("Tags.member.1.Key", "kubernetes-namespace")
        .containsEntry("Tags.member.1.Value", "shop")
        .containsEntry("Tags.member.2.Key", "kubernetes-pod-name")
        .containsEntry("Tags.member.2.Value", "web-7f9c")
        .doesNotContainKeys("Policy", "PolicyArns.member.1", "SerialNumber", "TokenCode");
    assertThat(call.signingAccessKeyId()).isEqualTo(BASE_KEY_ID);
    assertThat(call.headers().get("Host")).isEqualTo("127.0.0.1:" + moto.endpoint().getPort());
  }

  @Test
  void issuedCredentialsIdentifyAsTheAssumedRole() {
    IssuedCredentials issued;
    try (StsCredentialIssuer issuer = issuer(settings())) {
      issued = issuer.issue(SessionRequest.of(TARGET, "web-7f9c", Duration.ofHours(1)));
    }

    GetCallerIdentityResponse identity = callerIdentity(issued.credentials());

    assertThat(identity.arn()).isEqualTo(issued.assumedRoleArn());
    assertThat(identity.account()).isEqualTo("123456789012");
  }

  @Test
  void chainsThroughTheIntermediateRoleAndSignsPodCallsWithItsSession() {
    StsSettings chained = settings().withIntermediateRole(INTERMEDIATE, "intermediate-ext-id");
    IssuedCredentials first;
    IssuedCredentials second;
    try (StsCredentialIssuer issuer = issuer(chained)) {
      first = issuer.issue(SessionRequest.of(TARGET, "web-1", Duration.ofHours(1)));
      second = issuer.issue(SessionRequest.of(TARGET, "web-2", Duration.ofHours(1)));
    }

    List<MotoServer.RecordedRequest> calls = moto.requests("AssumeRole");
    assertThat(calls).hasSize(3);
    MotoServer.RecordedRequest intermediateCall = calls.getFirst();
    assertThat(intermediateCall.form())
        .containsEntry("RoleArn", INTERMEDIATE.toString())
        .containsEntry("RoleSessionName", StsSettings.DEFAULT_INTERMEDIATE_SESSION_NAME)
        .containsEntry("ExternalId", "intermediate-ext-id");
    assertThat(intermediateCall.signingAccessKeyId()).isEqualTo(BASE_KEY_ID);

    // The intermediate session is cached: both pod calls are signed with it, not the base key.
    String intermediateKeyId = moto.accessKeyIdOfSession(INTERMEDIATE.toString());
    assertThat(calls.subList(1, 3))
        .allSatisfy(
            call -> {
              assertThat(call.form()).containsEntry("RoleArn", TARGET.toString());
              assertThat(call.signingAccessKeyId()).isEqualTo(intermediateKeyId);
            });
    assertThat(callerIdentity(first.credentials()).arn())
        .isEqualTo("arn:aws:sts::123456789012:assumed-role/reader/web-1");
    assertThat(callerIdentity(second.credentials()).arn())
        .isEqualTo("arn:aws:sts::123456789012:assumed-role/reader/web-2");
  }

  @Test
  void neverLogsTheSecretKeyOrSessionTokenOfIssuedCredentials() {
    IssuedCredentials issued;
    try (StsCredentialIssuer issuer =
        issuer(settings().withIntermediateRole(INTERMEDIATE, "intermediate-ext-id"))) {
      issued = issuer.issue(SessionRequest.of(TARGET, "web-7f9c", Duration.ofHours(1)));
    }

    String output = logs.allOutput();
    assertThat(logs.messagesFrom("io.podium.aws"))
        .anySatisfy(
            line ->
                assertThat(line)
                    .contains(issued.credentials().accessKeyId(), TARGET.toString(), "web-7f9c"));
    assertThat(output)
        .as(LEAK_HINT)
        .doesNotContain(issued.credentials().secretAccessKey())
        .doesNotContain(issued.credentials().sessionToken())
        .doesNotContain(BASE_SECRET);
    assertThat(issued.toString())
        .doesNotContain(issued.credentials().secretAccessKey())
        .doesNotContain(issued.credentials().sessionToken());
  }

  @Test
  void countsSuccessfulCallsAndTheirDuration() {
    try (StsCredentialIssuer issuer = issuer(settings())) {
      issuer.issue(SessionRequest.of(TARGET, "web-1", Duration.ofHours(1)));
      issuer.issue(SessionRequest.of(TARGET, "web-2", Duration.ofHours(1)));

      ScrapedMetrics metrics = ScrapedMetrics.of(registry);
      assertThat(metrics.value("podium_sts_calls_total{result=\"success\"}")).isEqualTo(2);
      assertThat(metrics.value("podium_sts_calls_total{result=\"error\"}")).isEqualTo(0);
      assertThat(metrics.value("podium_sts_call_duration_seconds_count")).isEqualTo(2);
      assertThat(metrics.value("podium_sts_call_duration_seconds_sum")).isPositive();
      assertThat(metrics.text()).doesNotContain("podium_sts_errors_total{");
    }
  }

  private StsCredentialIssuer issuer(StsSettings settings) {
    return new StsCredentialIssuer(
        settings,
        StaticCredentialsProvider.create(AwsBasicCredentials.create(BASE_KEY_ID, BASE_SECRET)),
        registry,
        Clock.systemUTC());
  }

  private static StsSettings settings() {
    return StsSettings.forRegion(Region.US_EAST_1).withEndpointOverride(moto.endpoint());
  }

  /** GetCallerIdentity with a plain SDK client, as a pod would call it with its credentials. */
  private static GetCallerIdentityResponse callerIdentity(Credentials credentials) {
    try (StsClient client =
        StsClient.builder()
            .region(Region.US_EAST_1)
            .endpointOverride(moto.endpoint())
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsSessionCredentials.create(
                        credentials.accessKeyId(),
                        credentials.secretAccessKey(),
                        credentials.sessionToken())))
            .build()) {
      return client.getCallerIdentity();
    }
  }
}
