package io.podium.aws;

import io.podium.core.broker.Credentials;
import io.podium.core.broker.IssuedCredentials;
import io.podium.core.broker.StsCallException;
import io.podium.core.session.SessionRequest;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.AssumedRoleUser;
import software.amazon.awssdk.services.sts.model.Tag;

/** Translates a {@link SessionRequest} into the SDK's AssumeRole request, and the answer back. */
final class AssumeRoleMapping {

  private AssumeRoleMapping() {}

  /**
   * Every input of the session request, signed with {@code signer}: the credentials resolved just
   * before the call, so that a failure to obtain them has already been told apart.
   */
  static AssumeRoleRequest toRequest(SessionRequest request, AwsCredentials signer) {
    long seconds = request.duration().toSeconds();
    if (seconds <= 0 || seconds > Integer.MAX_VALUE) {
      throw new StsCallException.InvalidRequest(
          "ValidationError",
          "session duration " + request.duration() + " cannot be sent to STS",
          null);
    }
    AssumeRoleRequest.Builder builder =
        AssumeRoleRequest.builder()
            .roleArn(request.role().toString())
            .roleSessionName(request.sessionName())
            .durationSeconds((int) seconds)
            .externalId(request.externalId())
            .sourceIdentity(request.sourceIdentity())
            .overrideConfiguration(
                o -> o.credentialsProvider(StaticCredentialsProvider.create(signer)));
    // An explicitly empty list would still be serialised as an empty Tags parameter.
    if (!request.tags().isEmpty()) {
      builder.tags(
          request.tags().entrySet().stream()
              .map(tag -> Tag.builder().key(tag.getKey()).value(tag.getValue()).build())
              .toList());
    }
    return builder.build();
  }

  /**
   * The credentials and session ARN of a successful answer.
   *
   * @throws StsCallException.Unavailable when STS left out part of the answer
   */
  static IssuedCredentials toIssued(AssumeRoleResponse response) {
    software.amazon.awssdk.services.sts.model.Credentials sdk = response.credentials();
    AssumedRoleUser user = response.assumedRoleUser();
    if (sdk == null || user == null || user.arn() == null || user.arn().isBlank()) {
      throw invalidResponse(null);
    }
    Credentials credentials;
    try {
      credentials =
          new Credentials(
              sdk.accessKeyId(), sdk.secretAccessKey(), sdk.sessionToken(), sdk.expiration());
    } catch (IllegalArgumentException | NullPointerException e) {
      // Credentials' own messages name the missing field, never its value.
      throw invalidResponse(e);
    }
    return new IssuedCredentials(credentials, user.arn());
  }

  private static StsCallException invalidResponse(@Nullable RuntimeException cause) {
    return new StsCallException.Unavailable(
        StsErrorMapping.INVALID_RESPONSE,
        "STS answered AssumeRole without complete credentials or the assumed-role ARN",
        cause);
  }
}
