package io.podium.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.core.broker.StsCallException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sts.model.ExpiredTokenException;
import software.amazon.awssdk.services.sts.model.MalformedPolicyDocumentException;
import software.amazon.awssdk.services.sts.model.PackedPolicyTooLargeException;
import software.amazon.awssdk.services.sts.model.RegionDisabledException;
import software.amazon.awssdk.services.sts.model.StsException;

class StsErrorMappingTest {

  @AfterEach
  void clearInterruptFlag() {
    Thread.interrupted();
  }

  static Stream<Arguments> stsCodes() {
    return Stream.of(
        Arguments.of(403, "AccessDenied", StsCallException.AccessDenied.class),
        Arguments.of(403, "RegionDisabledException", StsCallException.AccessDenied.class),
        Arguments.of(400, "ValidationError", StsCallException.InvalidRequest.class),
        Arguments.of(400, "MalformedPolicyDocument", StsCallException.InvalidRequest.class),
        Arguments.of(400, "PackedPolicyTooLarge", StsCallException.InvalidRequest.class),
        Arguments.of(400, "InvalidParameterValue", StsCallException.InvalidRequest.class),
        Arguments.of(400, "Throttling", StsCallException.Throttled.class),
        Arguments.of(400, "ThrottlingException", StsCallException.Throttled.class),
        Arguments.of(400, "RequestLimitExceeded", StsCallException.Throttled.class),
        Arguments.of(403, "InvalidClientTokenId", StsCallException.IssuerCredentials.class),
        Arguments.of(400, "ExpiredToken", StsCallException.IssuerCredentials.class),
        Arguments.of(403, "SignatureDoesNotMatch", StsCallException.IssuerCredentials.class),
        Arguments.of(400, "UnrecognizedClientException", StsCallException.IssuerCredentials.class),
        Arguments.of(403, "MissingAuthenticationToken", StsCallException.IssuerCredentials.class),
        Arguments.of(500, "InternalFailure", StsCallException.Unavailable.class),
        Arguments.of(503, "ServiceUnavailable", StsCallException.Unavailable.class));
  }

  @ParameterizedTest(name = "{1} -> {2}")
  @MethodSource("stsCodes")
  void mapsStsErrorCodeToItsKindKeepingTheCode(
      int status, String code, Class<? extends StsCallException> kind) {
    StsCallException mapped = StsErrorMapping.forSessionCall(stsError(status, code, "text"));

    assertThat(mapped).isInstanceOf(kind).hasCauseInstanceOf(StsException.class);
    assertThat(mapped.errorCode()).isEqualTo(code);
  }

  @Test
  void mapsAccessDeniedToFinalDenial() {
    StsCallException mapped =
        StsErrorMapping.forSessionCall(
            stsError(403, "AccessDenied", "User x is not authorized to perform sts:AssumeRole"));

    assertThat(mapped).isInstanceOf(StsCallException.AccessDenied.class);
    assertThat(mapped.retryable()).isFalse();
    assertThat(mapped.getMessage())
        .contains("403", "AccessDenied", "is not authorized to perform sts:AssumeRole");
  }

  @Test
  void mapsModelledStsExceptionsByTheirCode() {
    assertThat(
            StsErrorMapping.forSessionCall(
                RegionDisabledException.builder()
                    .statusCode(403)
                    .awsErrorDetails(details("RegionDisabledException", "off"))
                    .build()))
        .isInstanceOf(StsCallException.AccessDenied.class);
    assertThat(
            StsErrorMapping.forSessionCall(
                MalformedPolicyDocumentException.builder()
                    .statusCode(400)
                    .awsErrorDetails(details("MalformedPolicyDocument", "bad"))
                    .build()))
        .isInstanceOf(StsCallException.InvalidRequest.class);
    assertThat(
            StsErrorMapping.forSessionCall(
                PackedPolicyTooLargeException.builder()
                    .statusCode(400)
                    .awsErrorDetails(details("PackedPolicyTooLarge", "big"))
                    .build()))
        .isInstanceOf(StsCallException.InvalidRequest.class);
    assertThat(
            StsErrorMapping.forSessionCall(
                ExpiredTokenException.builder()
                    .statusCode(400)
                    .awsErrorDetails(details("ExpiredTokenException", "old"))
                    .build()))
        .isInstanceOf(StsCallException.IssuerCredentials.class);
  }

  @Test
  void decidesByCodeNeverByMessageText() {
    StsCallException mapped =
        StsErrorMapping.forSessionCall(
            stsError(403, "AccessDenied", "Rate exceeded: Throttling ExpiredToken timeout"));

    assertThat(mapped).isInstanceOf(StsCallException.AccessDenied.class);
    assertThat(
            StsErrorMapping.forSessionCall(stsError(400, "Throttling", "Access denied, probably")))
        .isInstanceOf(StsCallException.Throttled.class);
  }

  @Test
  void mapsHttp429WithUnknownCodeToThrottledAsTheSdkClassifiesIt() {
    StsCallException mapped =
        StsErrorMapping.forSessionCall(stsError(429, "SomethingNewAndSlow", "slow down"));

    assertThat(mapped).isInstanceOf(StsCallException.Throttled.class);
    assertThat(mapped.errorCode()).isEqualTo(StsErrorMapping.OTHER);
    assertThat(mapped.getMessage()).contains("SomethingNewAndSlow");
  }

  @Test
  void mapsUnknownServerErrorToUnavailable() {
    StsCallException mapped = StsErrorMapping.forSessionCall(stsError(502, null, "Bad Gateway"));

    assertThat(mapped).isInstanceOf(StsCallException.Unavailable.class);
    assertThat(mapped.errorCode()).isEqualTo(StsErrorMapping.OTHER);
  }

  @Test
  void mapsUnknownClientErrorCodeToRetryableUnavailableWithBoundedCode() {
    StsCallException mapped =
        StsErrorMapping.forSessionCall(stsError(400, "BrandNewError", "something"));

    assertThat(mapped).isInstanceOf(StsCallException.Unavailable.class);
    assertThat(mapped.retryable()).isTrue();
    assertThat(mapped.errorCode()).isEqualTo(StsErrorMapping.OTHER);
    assertThat(mapped.getMessage()).contains("BrandNewError");
  }

  @Test
  void keepsHostileErrorCodesOutOfCodeAndMessage() {
    String hostile = "Evil\ncode with spaces and a very long tail " + "x".repeat(200);

    StsCallException mapped = StsErrorMapping.forSessionCall(stsError(400, hostile, "m\r\nm"));

    assertThat(mapped.errorCode()).isEqualTo(StsErrorMapping.OTHER);
    assertThat(mapped.getMessage())
        .doesNotContain("Evil")
        .doesNotContain("\n")
        .hasSizeLessThan(700);
  }

  @Test
  void mapsApiCallTimeoutToUnavailableTimeout() {
    StsCallException mapped = StsErrorMapping.forSessionCall(ApiCallTimeoutException.create(1000));

    assertThat(mapped).isInstanceOf(StsCallException.Unavailable.class);
    assertThat(mapped.errorCode()).isEqualTo(StsErrorMapping.TIMEOUT);
  }

  @Test
  void mapsAttemptTimeoutToUnavailableTimeout() {
    StsCallException mapped =
        StsErrorMapping.forSessionCall(ApiCallAttemptTimeoutException.create(500));

    assertThat(mapped).isInstanceOf(StsCallException.Unavailable.class);
    assertThat(mapped.errorCode()).isEqualTo(StsErrorMapping.TIMEOUT);
  }

  @Test
  void mapsSocketReadTimeoutToUnavailableTimeout() {
    StsCallException mapped =
        StsErrorMapping.forSessionCall(
            SdkClientException.create("read", new SocketTimeoutException("Read timed out")));

    assertThat(mapped.errorCode()).isEqualTo(StsErrorMapping.TIMEOUT);
  }

  @Test
  void mapsConnectionFailureToUnavailableIoError() {
    StsCallException mapped =
        StsErrorMapping.forSessionCall(
            SdkClientException.create(
                "Unable to execute HTTP request", new ConnectException("Connection refused")));

    assertThat(mapped).isInstanceOf(StsCallException.Unavailable.class);
    assertThat(mapped.errorCode()).isEqualTo(StsErrorMapping.IO_ERROR);
  }

  @Test
  void mapsOtherClientFailureToUnavailableClientError() {
    StsCallException mapped =
        StsErrorMapping.forSessionCall(SdkClientException.create("Unable to unmarshall response"));

    assertThat(mapped).isInstanceOf(StsCallException.Unavailable.class);
    assertThat(mapped.errorCode()).isEqualTo(StsErrorMapping.CLIENT_ERROR);
  }

  @Test
  void restoresInterruptFlagWhenTheCallWasAborted() {
    StsCallException mapped =
        StsErrorMapping.forSessionCall(AbortedException.create("Thread was interrupted"));

    assertThat(mapped).isInstanceOf(StsCallException.Unavailable.class);
    assertThat(mapped.errorCode()).isEqualTo(StsErrorMapping.INTERRUPTED);
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
  }

  @Test
  void mapsUnloadableBaseCredentialsToIssuerCredentialsEvenWhenCausedByIo() {
    // The default chain fails this way when the instance metadata service cannot be reached.
    SdkClientException chainFailure =
        SdkClientException.create(
            "Unable to load credentials from any of the providers in the chain",
            new IOException("Connection refused"));

    StsCallException mapped =
        StsErrorMapping.forSessionCall(new BaseCredentialsException(chainFailure));

    assertThat(mapped).isInstanceOf(StsCallException.IssuerCredentials.class);
    assertThat(mapped.errorCode()).isEqualTo(StsErrorMapping.CREDENTIALS_NOT_LOADED);
  }

  @Test
  void mapsNonSdkFailureToUnavailableUnexpected() {
    StsCallException mapped = StsErrorMapping.forSessionCall(new IllegalStateException("bug"));

    assertThat(mapped).isInstanceOf(StsCallException.Unavailable.class);
    assertThat(mapped.errorCode()).isEqualTo(StsErrorMapping.UNEXPECTED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"AccessDenied", "ValidationError", "RegionDisabledException"})
  void mapsIntermediateRoleRefusalToIssuerCredentialsNotToAPodDenial(String code) {
    StsCallException mapped =
        StsErrorMapping.forSigningCredentials(stsError(403, code, "not allowed"));

    assertThat(mapped).isInstanceOf(StsCallException.IssuerCredentials.class);
    assertThat(mapped.errorCode()).isEqualTo(code);
    assertThat(mapped.getMessage()).contains("intermediate role");
  }

  @Test
  void keepsIntermediateRoleThrottlingAndOutagesAsTheyAre() {
    assertThat(StsErrorMapping.forSigningCredentials(stsError(400, "Throttling", "slow")))
        .isInstanceOf(StsCallException.Throttled.class);
    assertThat(
            StsErrorMapping.forSigningCredentials(
                SdkClientException.create("io", new ConnectException("refused"))))
        .isInstanceOf(StsCallException.Unavailable.class);
    assertThat(
            StsErrorMapping.forSigningCredentials(stsError(403, "ExpiredToken", "old")).errorCode())
        .isEqualTo("ExpiredToken");
  }

  @Test
  void mapsUnexpectedFailureOfTheIntermediateProviderToIssuerCredentials() {
    StsCallException mapped =
        StsErrorMapping.forSigningCredentials(new IllegalStateException("provider closed"));

    assertThat(mapped).isInstanceOf(StsCallException.IssuerCredentials.class);
    assertThat(mapped.errorCode()).isEqualTo(StsErrorMapping.CREDENTIALS_NOT_LOADED);
  }

  @Test
  void producesOnlyBoundedErrorCodes() {
    Stream<Throwable> failures =
        Stream.of(
            stsError(400, "Unheard" + System.nanoTime(), "x"),
            stsError(500, null, "x"),
            SdkClientException.create("x"),
            new IllegalArgumentException("x"),
            ApiCallTimeoutException.create(1));

    failures.forEach(
        failure ->
            assertThat(StsErrorMapping.forSessionCall(failure).errorCode())
                .isIn(StsErrorMapping.LOCAL_CODES));
    assertThat(StsErrorMapping.knownCodes())
        .doesNotContainAnyElementsOf(StsErrorMapping.LOCAL_CODES)
        .allMatch(code -> code.matches("[A-Za-z0-9]{1,64}"));
  }

  private static StsException stsError(int status, String code, String message) {
    return (StsException)
        StsException.builder()
            .statusCode(status)
            .message(message)
            .awsErrorDetails(details(code, message))
            .build();
  }

  private static AwsErrorDetails details(String code, String message) {
    return AwsErrorDetails.builder()
        .errorCode(code)
        .errorMessage(message)
        .serviceName("Sts")
        .build();
  }
}
