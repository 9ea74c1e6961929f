package io.podium.stsemulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.podium.testing.MutableClock;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkGlobalTime;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityResponse;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;
import software.amazon.awssdk.services.sts.model.StsException;

/** The AWS SDK for Java v2's own StsClient against the emulator on loopback. */
class StsEmulatorSdkIT {

  private static final String READER = "arn:aws:iam::210987654321:role/team/reader";
  private static final String LONG = "arn:aws:iam::210987654321:role/long";

  private final MutableClock clock = new MutableClock(java.time.Instant.now());
  private final List<StsClient> clients = new ArrayList<>();
  private StsEmulator emulator;

  @BeforeEach
  void start() throws Exception {
    emulator =
        StsEmulator.builder()
            .clock(clock)
            .roles(
                List.of(
                    RoleDefinition.of(READER),
                    RoleDefinition.of(LONG).withMaxSessionDuration(Duration.ofHours(12))))
            .build();
    emulator.start(new InetSocketAddress("127.0.0.1", 0));
  }

  @AfterEach
  void stop() {
    clients.forEach(StsClient::close);
    emulator.close();
    // A 403 whose Date header is minutes away from the client's clock (as after the test clock
    // moved) makes SDK v2 shift a JVM-wide clock offset; undo it so later tests sign with now.
    SdkGlobalTime.setGlobalTimeOffset(0);
  }

  private StsClient client(AwsCredentialsProvider credentials, boolean retries) {
    StsClient client =
        StsClient.builder()
            .region(Region.US_EAST_1)
            .endpointOverride(emulator.endpoint())
            .credentialsProvider(credentials)
            .overrideConfiguration(
                o -> {
                  if (!retries) {
                    o.retryStrategy(AwsRetryStrategy.doNotRetry());
                  }
                })
            .build();
    clients.add(client);
    return client;
  }

  private StsClient client(AwsCredentials credentials) {
    return client(StaticCredentialsProvider.create(credentials), false);
  }

  private StsClient bootstrap() {
    return client(
        AwsBasicCredentials.create(
            BootstrapCredentials.DEV_ACCESS_KEY_ID, BootstrapCredentials.DEV_SECRET_ACCESS_KEY));
  }

  private static AwsSessionCredentials sessionCredentials(Credentials credentials) {
    return AwsSessionCredentials.create(
        credentials.accessKeyId(), credentials.secretAccessKey(), credentials.sessionToken());
  }

  private static StsException stsError(Runnable call) {
    return catchThrowableOfType(StsException.class, call::run);
  }

  @Test
  void sessionFromAssumeRoleIsTheAssumedRoleInGetCallerIdentity() {
    Instant before = clock.instant();
    AssumeRoleResponse assumed =
        bootstrap().assumeRole(r -> r.roleArn(READER).roleSessionName("sdk-it"));

    GetCallerIdentityResponse identity =
        client(sessionCredentials(assumed.credentials())).getCallerIdentity();

    assertThat(assumed.credentials().accessKeyId()).matches("ASIA[A-Z0-9]{16}");
    assertThat(assumed.credentials().expiration())
        .isBetween(before.plusSeconds(3590), before.plusSeconds(3610));
    assertThat(assumed.assumedRoleUser().arn())
        .isEqualTo("arn:aws:sts::210987654321:assumed-role/reader/sdk-it");
    assertThat(identity.arn()).isEqualTo(assumed.assumedRoleUser().arn());
    assertThat(identity.account()).isEqualTo("210987654321");
    assertThat(identity.userId()).isEqualTo(assumed.assumedRoleUser().assumedRoleId());
  }

  @Test
  void bootstrapUserIsTheEmulatorUserInGetCallerIdentity() {
    assertThat(bootstrap().getCallerIdentity().arn())
        .isEqualTo("arn:aws:iam::123456789012:user/podium-emulator");
  }

  @Test
  void wrongSecretSurfacesAsSignatureDoesNotMatch() {
    StsClient client =
        client(AwsBasicCredentials.create(BootstrapCredentials.DEV_ACCESS_KEY_ID, "x".repeat(40)));

    StsException error = stsError(client::getCallerIdentity);

    assertThat(error.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch");
    assertThat(error.statusCode()).isEqualTo(403);
  }

  @Test
  void unknownKeySurfacesAsInvalidClientTokenId() {
    StsClient client = client(AwsBasicCredentials.create("AKIANOSUCHKEY0000001", "y".repeat(40)));

    StsException error = stsError(client::getCallerIdentity);

    assertThat(error.awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId");
    assertThat(error.awsErrorDetails().errorMessage())
        .isEqualTo("The security token included in the request is invalid.");
  }

  @Test
  void expiredSessionSurfacesAsExpiredToken() {
    Credentials credentials =
        bootstrap()
            .assumeRole(r -> r.roleArn(READER).roleSessionName("short").durationSeconds(900))
            .credentials();
    StsClient session = client(sessionCredentials(credentials));
    assertThat(session.getCallerIdentity().arn()).endsWith("/short");

    clock.advance(Duration.ofMinutes(16));
    StsException error = stsError(session::getCallerIdentity);

    assertThat(error.awsErrorDetails().errorCode()).isEqualTo("ExpiredToken");
    assertThat(error.statusCode()).isEqualTo(403);
  }

  @Test
  void roleChainingIsCappedAtOneHour() {
    Credentials first =
        bootstrap().assumeRole(r -> r.roleArn(LONG).roleSessionName("first")).credentials();
    StsClient session = client(sessionCredentials(first));

    StsException error =
        stsError(
            () ->
                session.assumeRole(
                    r -> r.roleArn(LONG).roleSessionName("second").durationSeconds(7200)));
    AssumeRoleResponse withinCap =
        session.assumeRole(r -> r.roleArn(LONG).roleSessionName("third").durationSeconds(3600));

    assertThat(error.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
    assertThat(error.awsErrorDetails().errorMessage())
        .isEqualTo(
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by"
                + " role chaining.");
    assertThat(withinCap.assumedRoleUser().arn()).endsWith("assumed-role/long/third");
  }

  @Test
  void webIdentityTokenIsTradedWithoutSigning() {
    String token =
        Jwts.token(
            "system:serviceaccount:ns:app", "sts.amazonaws.com", clock.instant().plusSeconds(600));
    StsClient anonymous = client(AnonymousCredentialsProvider.create(), false);

    AssumeRoleWithWebIdentityResponse response =
        anonymous.assumeRoleWithWebIdentity(
            r -> r.roleArn(READER).roleSessionName("pod").webIdentityToken(token));

    assertThat(response.subjectFromWebIdentityToken()).isEqualTo("system:serviceaccount:ns:app");
    assertThat(response.audience()).isEqualTo("sts.amazonaws.com");
    assertThat(response.provider())
        .isEqualTo("arn:aws:iam::210987654321:oidc-provider/oidc.example.test/cluster");
    assertThat(client(sessionCredentials(response.credentials())).getCallerIdentity().arn())
        .isEqualTo("arn:aws:sts::210987654321:assumed-role/reader/pod");
  }

  @Test
  void expiredWebIdentityTokenSurfacesAsExpiredTokenException() {
    String token = Jwts.token("s", "a", clock.instant().minusSeconds(60));
    StsClient anonymous = client(AnonymousCredentialsProvider.create(), false);

    StsException error =
        stsError(
            () ->
                anonymous.assumeRoleWithWebIdentity(
                    r -> r.roleArn(READER).roleSessionName("pod").webIdentityToken(token)));

    assertThat(error.awsErrorDetails().errorCode()).isEqualTo("ExpiredTokenException");
  }

  @Test
  void injectedThrottlingSurfacesAsThrottling() {
    emulator.faults().throttleNext(1);

    StsException error =
        stsError(() -> bootstrap().assumeRole(r -> r.roleArn(READER).roleSessionName("t")));

    assertThat(error.awsErrorDetails().errorCode()).isEqualTo("Throttling");
    assertThat(error.statusCode()).isEqualTo(400);
    assertThat(error.isThrottlingException()).isTrue();
  }

  @Test
  void sdkRetriesRecoverFromOneThrottledCall() {
    emulator.faults().throttleNext(1);
    StsClient retrying =
        client(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(
                    BootstrapCredentials.DEV_ACCESS_KEY_ID,
                    BootstrapCredentials.DEV_SECRET_ACCESS_KEY)),
            true);

    retrying.assumeRole(r -> r.roleArn(READER).roleSessionName("retry"));

    assertThat(emulator.stats().callCount("AssumeRole")).isEqualTo(2);
    assertThat(emulator.stats().errorCount("Throttling")).isEqualTo(1);
  }

  @Test
  void injectedServerErrorsSurfaceWithTheirStatus() {
    emulator.faults().failNext(1, StsError.internalFailure());

    StsException error = stsError(() -> bootstrap().getCallerIdentity());

    assertThat(error.awsErrorDetails().errorCode()).isEqualTo("InternalFailure");
    assertThat(error.statusCode()).isEqualTo(500);
  }

  @Test
  void injectedLatencyDelaysTheAnswer() {
    StsClient client = bootstrap();
    client.getCallerIdentity();
    emulator.faults().latency(Duration.ofMillis(300));

    long start = System.nanoTime();
    client.getCallerIdentity();

    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void unknownRoleIsAccessDenied() {
    StsException error =
        stsError(
            () ->
                bootstrap()
                    .assumeRole(
                        r ->
                            r.roleArn("arn:aws:iam::210987654321:role/admin")
                                .roleSessionName("x1")));

    assertThat(error.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
    assertThat(error.statusCode()).isEqualTo(403);
  }
}
