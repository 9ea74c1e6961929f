package io.podium.stsemulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.core.role.RoleArn;
import io.podium.stsemulator.Authentication.Authenticated;
import io.podium.stsemulator.Authentication.Rejected;
import io.podium.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SigV4VerifierTest {

  private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
  private static final String USER_ARN = "arn:aws:iam::123456789012:user/podium-emulator";

  private final MutableClock clock = new MutableClock(NOW);
  private final SessionStore sessions = new SessionStore();
  private final SigV4Verifier verifier =
      new SigV4Verifier(
          BootstrapCredentials.devDefaults(),
          new Caller.User(USER_ARN, "123456789012"),
          sessions,
          clock);
  private final IssuedSession session =
      new IssuedSession(
          "ASIATESTSESSION00001",
          "sessionSecretAccessKeyForTheVerifierTest",
          "c2Vzc2lvbi10b2tlbi1mb3ItdGhlLXZlcmlmaWVyLXRlc3Q=",
          RoleArn.parse("arn:aws:iam::210987654321:role/team/reader"),
          "tester",
          NOW.plus(Duration.ofHours(1)),
          false,
          Optional.empty());

  SigV4VerifierTest() {
    sessions.add(session, NOW);
  }

  private static SignedRequests getCallerIdentity() {
    return SignedRequests.action("GetCallerIdentity").at(NOW);
  }

  @Test
  void acceptsFormPostSignedBySdkSignerWithBootstrapCredentials() {
    Authentication result = verifier.verify(getCallerIdentity().build());

    assertThat(result)
        .isInstanceOfSatisfying(
            Authenticated.class, a -> assertThat(a.caller().arn()).isEqualTo(USER_ARN));
  }

  @Test
  void acceptsRequestSignedBySdkSignerWithSessionCredentials() {
    Authentication result = verifier.verify(getCallerIdentity().signedBy(session).build());

    assertThat(result)
        .isInstanceOfSatisfying(
            Authenticated.class,
            a ->
                assertThat(a.caller().arn())
                    .isEqualTo("arn:aws:sts::210987654321:assumed-role/reader/tester"));
  }

  @Test
  void acceptsGetWithQueryParametersSignedBySdkSigner() {
    StsRequest request = getCallerIdentity().param("Note", "a b+c/d~e*f").asGet().build();

    assertThat(verifier.verify(request)).isInstanceOf(Authenticated.class);
  }

  @Test
  void acceptsPresignedUrlFromSdkSignerWhileValid() {
    StsRequest request = getCallerIdentity().presigned(Duration.ofMinutes(15)).build();

    assertThat(verifier.verify(request)).isInstanceOf(Authenticated.class);
    clock.advance(Duration.ofMinutes(16));
    assertThat(rejection(request).code()).isEqualTo("SignatureDoesNotMatch");
    assertThat(rejection(request).message()).startsWith("Signature expired");
  }

  @Test
  void rejectsWrongSecretWithSignatureDoesNotMatch() {
    StsRequest request =
        getCallerIdentity()
            .signedBy(BootstrapCredentials.DEV_ACCESS_KEY_ID, "not-the-secret-access-key-at-all")
            .build();

    StsError error = rejection(request);
    assertThat(error.code()).isEqualTo("SignatureDoesNotMatch");
    assertThat(error.status()).isEqualTo(403);
  }

  @Test
  void rejectsBodyChangedAfterSigning() {
    StsRequest request =
        SignedRequests.action("AssumeRole")
            .param("RoleArn", "arn:aws:iam::123456789012:role/reader")
            .param("RoleSessionName", "s1")
            .at(NOW)
            .buildWithBody(
                "Action=AssumeRole&Version=2011-06-15"
                    + "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fadmin"
                    + "&RoleSessionName=s1");

    assertThat(rejection(request).code()).isEqualTo("SignatureDoesNotMatch");
  }

  @Test
  void rejectsSignedHeaderChangedAfterSigning() {
    StsRequest request =
        getCallerIdentity()
            .build(
                headers -> {
                  headers.put("Host", List.of("evil.example:4566"));
                  return headers;
                });

    assertThat(rejection(request).code()).isEqualTo("SignatureDoesNotMatch");
  }

  @Test
  void rejectsSignatureOlderThanFiveMinutesAsExpired() {
    StsRequest request = getCallerIdentity().at(NOW.minus(Duration.ofMinutes(6))).build();

    StsError error = rejection(request);
    assertThat(error.code()).isEqualTo("SignatureDoesNotMatch");
    assertThat(error.status()).isEqualTo(403);
    assertThat(error.message())
        .isEqualTo(
            "Signature expired: 20250301T115400Z is now earlier than 20250301T115500Z"
                + " (20250301T120000Z - 5 min.)");
  }

  @Test
  void acceptsSignatureWithinFiveMinutesOfTheClock() {
    assertThat(verifier.verify(getCallerIdentity().at(NOW.minus(Duration.ofMinutes(4))).build()))
        .isInstanceOf(Authenticated.class);
    assertThat(verifier.verify(getCallerIdentity().at(NOW.plus(Duration.ofMinutes(4))).build()))
        .isInstanceOf(Authenticated.class);
  }

  @Test
  void rejectsSignatureFromTheFutureAsNotYetCurrent() {
    StsRequest request = getCallerIdentity().at(NOW.plus(Duration.ofMinutes(6))).build();

    assertThat(rejection(request).message()).startsWith("Signature not yet current:");
  }

  @Test
  void rejectsUnknownAccessKeyWithInvalidClientTokenId() {
    StsRequest request =
        getCallerIdentity().signedBy("AKIAUNKNOWNKEY000001", "whatever-secret-key-value").build();

    StsError error = rejection(request);
    assertThat(error.code()).isEqualTo("InvalidClientTokenId");
    assertThat(error.status()).isEqualTo(403);
    assertThat(error.message()).isEqualTo("The security token included in the request is invalid.");
  }

  @Test
  void rejectsSessionKeyWithAnotherSessionsToken() {
    StsRequest request =
        getCallerIdentity()
            .signedBy(session.accessKeyId(), session.secretAccessKey())
            .withToken("b3RoZXItdG9rZW4=")
            .build();

    assertThat(rejection(request).code()).isEqualTo("InvalidClientTokenId");
  }

  @Test
  void rejectsSessionKeyWithoutToken() {
    StsRequest request =
        getCallerIdentity().signedBy(session.accessKeyId(), session.secretAccessKey()).build();

    assertThat(rejection(request).code()).isEqualTo("InvalidClientTokenId");
  }

  @Test
  void rejectsBootstrapKeySentWithSessionToken() {
    StsRequest request = getCallerIdentity().withToken(session.sessionToken()).build();

    assertThat(rejection(request).code()).isEqualTo("InvalidClientTokenId");
  }

  @Test
  void rejectsExpiredSessionWithExpiredTokenBeforeCheckingTheSigningTime() {
    clock.advance(Duration.ofHours(2));
    StsRequest request = getCallerIdentity().signedBy(session).build();

    StsError error = rejection(request);
    assertThat(error.code()).isEqualTo("ExpiredToken");
    assertThat(error.status()).isEqualTo(403);
  }

  @Test
  void rejectsUnsignedRequestWithMissingAuthenticationToken() {
    StsRequest request =
        getCallerIdentity()
            .build(
                headers -> {
                  headers.keySet().removeIf(name -> name.equalsIgnoreCase("Authorization"));
                  return headers;
                });

    StsError error = rejection(request);
    assertThat(error.code()).isEqualTo("MissingAuthenticationToken");
    assertThat(error.status()).isEqualTo(403);
  }

  @Test
  void rejectsMalformedAuthorizationWithIncompleteSignature() {
    StsRequest request =
        getCallerIdentity()
            .build(
                headers -> {
                  headers.put(
                      "Authorization",
                      List.of("AWS4-HMAC-SHA256 Credential=AKIAPODIUMEMULATOR01/20250301"));
                  return headers;
                });

    assertThat(rejection(request).code()).isEqualTo("IncompleteSignature");
  }

  @Test
  void rejectsOtherSigningAlgorithms() {
    StsRequest request =
        getCallerIdentity()
            .build(
                headers -> {
                  headers.put("Authorization", List.of("AWS4-ECDSA-P256-SHA256 Credential=x"));
                  return headers;
                });

    assertThat(rejection(request).code()).isEqualTo("IncompleteSignature");
  }

  @Test
  void rejectsSignatureScopedToAnotherService() {
    StsRequest request = getCallerIdentity().forService("iam").build();

    StsError error = rejection(request);
    assertThat(error.code()).isEqualTo("SignatureDoesNotMatch");
    assertThat(error.message()).contains("'sts'");
  }

  private StsError rejection(StsRequest request) {
    Authentication result = verifier.verify(request);
    assertThat(result).isInstanceOf(Rejected.class);
    return ((Rejected) result).error();
  }
}
