package io.podium.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podium.core.broker.IssuedCredentials;
import io.podium.core.broker.StsCallException;
import io.podium.core.role.RoleArn;
import io.podium.core.session.SessionRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.AssumedRoleUser;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.Tag;

class AssumeRoleMappingTest {

  private static final RoleArn ROLE = RoleArn.parse("arn:aws:iam::123456789012:role/team/reader");
  private static final AwsCredentials SIGNER =
      AwsBasicCredentials.create("AKIASIGNER000000000", "signer-secret");
  private static final Instant EXPIRATION = Instant.parse("2030-01-01T12:00:00Z");

  @Test
  void mapsEveryInputOfTheSessionRequest() {
    SessionRequest request =
        new SessionRequest(
            ROLE,
            "web-7f9c",
            "ext-123",
            Duration.ofMinutes(45),
            Map.of("kubernetes-pod-name", "web-7f9c", "kubernetes-namespace", "shop"),
            "alice");

    AssumeRoleRequest sdk = AssumeRoleMapping.toRequest(request, SIGNER);

    assertThat(sdk.roleArn()).isEqualTo("arn:aws:iam::123456789012:role/team/reader");
    assertThat(sdk.roleSessionName()).isEqualTo("web-7f9c");
    assertThat(sdk.externalId()).isEqualTo("ext-123");
    assertThat(sdk.durationSeconds()).isEqualTo(2700);
    assertThat(sdk.sourceIdentity()).isEqualTo("alice");
    assertThat(sdk.tags())
        .containsExactly(
            Tag.builder().key("kubernetes-namespace").value("shop").build(),
            Tag.builder().key("kubernetes-pod-name").value("web-7f9c").build());
  }

  @Test
  void signsWithTheCredentialsResolvedBeforeTheCall() {
    AssumeRoleRequest sdk =
        AssumeRoleMapping.toRequest(SessionRequest.of(ROLE, "s1", Duration.ofHours(1)), SIGNER);

    assertThat(sdk.overrideConfiguration())
        .hasValueSatisfying(
            o ->
                assertThat(o.credentialsProvider())
                    .hasValueSatisfying(
                        p -> {
                          AwsCredentials resolved = p.resolveCredentials();
                          assertThat(resolved.accessKeyId()).isEqualTo(SIGNER.accessKeyId());
                          assertThat(resolved.secretAccessKey())
                              .isEqualTo(SIGNER.secretAccessKey());
                        }));
  }

  @Test
  void leavesOutOptionalInputsThatAreAbsent() {
    AssumeRoleRequest sdk =
        AssumeRoleMapping.toRequest(SessionRequest.of(ROLE, "s1", Duration.ofHours(1)), SIGNER);

    assertThat(sdk.externalId()).isNull();
    assertThat(sdk.sourceIdentity()).isNull();
    assertThat(sdk.hasTags()).isFalse();
    assertThat(sdk.policy()).isNull();
    assertThat(sdk.hasPolicyArns()).isFalse();
  }

  @Test
  void rejectsDurationThatCannotBeSentAsInvalidRequest() {
    SessionRequest request = SessionRequest.of(ROLE, "s1", Duration.ofMillis(10));

    assertThatThrownBy(() -> AssumeRoleMapping.toRequest(request, SIGNER))
        .isInstanceOfSatisfying(
            StsCallException.InvalidRequest.class,
            e -> assertThat(e.errorCode()).isEqualTo("ValidationError"));
  }

  @Test
  void mapsAnswerToIssuedCredentials() {
    IssuedCredentials issued =
        AssumeRoleMapping.toIssued(
            answer(credentials("ASIAISSUED000000000", "issued-secret", "issued-token")));

    assertThat(issued.assumedRoleArn())
        .isEqualTo("arn:aws:sts::123456789012:assumed-role/reader/web-7f9c");
    assertThat(issued.credentials().accessKeyId()).isEqualTo("ASIAISSUED000000000");
    assertThat(issued.credentials().secretAccessKey()).isEqualTo("issued-secret");
    assertThat(issued.credentials().sessionToken()).isEqualTo("issued-token");
    assertThat(issued.credentials().expiration()).isEqualTo(EXPIRATION);
  }

  @Test
  void rejectsAnswerWithoutCredentialsAsUnavailable() {
    AssumeRoleResponse empty =
        AssumeRoleResponse.builder()
            .assumedRoleUser(
                AssumedRoleUser.builder().arn("arn:aws:sts::123456789012:assumed-role/r/s").build())
            .build();

    assertThatThrownBy(() -> AssumeRoleMapping.toIssued(empty))
        .isInstanceOfSatisfying(
            StsCallException.Unavailable.class,
            e -> assertThat(e.errorCode()).isEqualTo(StsErrorMapping.INVALID_RESPONSE));
  }

  @Test
  void rejectsAnswerWithBlankTokenWithoutRepeatingTheSecret() {
    AssumeRoleResponse partial = answer(credentials("ASIAISSUED000000000", "issued-secret", " "));

    assertThatThrownBy(() -> AssumeRoleMapping.toIssued(partial))
        .isInstanceOf(StsCallException.Unavailable.class)
        .satisfies(
            e -> {
              assertThat(e.getMessage()).doesNotContain("issued-secret");
              assertThat(e.getCause().getMessage()).doesNotContain("issued-secret");
            });
  }

  @Test
  void rejectsAnswerWithoutAssumedRoleArnAsUnavailable() {
    AssumeRoleResponse partial =
        AssumeRoleResponse.builder().credentials(credentials("ASIA1", "s", "t")).build();

    assertThatThrownBy(() -> AssumeRoleMapping.toIssued(partial))
        .isInstanceOf(StsCallException.Unavailable.class);
  }

  private static AssumeRoleResponse answer(Credentials credentials) {
    return AssumeRoleResponse.builder()
        .credentials(credentials)
        .assumedRoleUser(
            AssumedRoleUser.builder()
                .arn("arn:aws:sts::123456789012:assumed-role/reader/web-7f9c")
                .assumedRoleId("AROAEXAMPLE:web-7f9c")
                .build())
        .build();
  }

  private static Credentials credentials(String keyId, String secret, String token) {
    return Credentials.builder()
        .accessKeyId(keyId)
        .secretAccessKey(secret)
        .sessionToken(token)
        .expiration(EXPIRATION)
        .build();
  }
}
