package io.podium.stsemulator;

import static io.podium.stsemulator.StsReplies.code;
import static io.podium.stsemulator.StsReplies.message;
import static io.podium.stsemulator.StsReplies.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.podium.stsemulator.StsReplies.ReturnedCredentials;
import io.podium.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AssumeRoleTest {

  private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
  private static final String READER = "arn:aws:iam::210987654321:role/team/reader";
  private static final String USER = "arn:aws:iam::123456789012:user/podium-emulator";

  private final MutableClock clock = new MutableClock(NOW);
  private StsEmulator emulator = StsEmulator.builder().clock(clock).build();

  @AfterEach
  void close() {
    emulator.close();
  }

  private SignedRequests assumeRole(String roleArn, String sessionName) {
    return SignedRequests.action("AssumeRole")
        .param("RoleArn", roleArn)
        .param("RoleSessionName", sessionName)
        .at(clock.instant());
  }

  private StsReply send(SignedRequests request) {
    return emulator.handle(request.build());
  }

  private void useRoles(RoleDefinition... roles) {
    emulator.close();
    emulator = StsEmulator.builder().clock(clock).roles(List.of(roles)).build();
  }

  @Test
  void issuesSessionCredentialsShapedLikeAws() {
    StsReply reply = send(assumeRole(READER, "web-1"));

    assertThat(reply.status()).isEqualTo(200);
    ReturnedCredentials credentials = StsReplies.credentials(reply);
    assertThat(credentials.accessKeyId()).matches("ASIA[A-Z0-9]{16}");
    assertThat(credentials.secretAccessKey()).hasSize(40);
    assertThat(credentials.sessionToken()).isNotBlank();
    assertThat(text(reply, "Expiration")).isEqualTo("2025-03-01T13:00:00Z");
    assertThat(text(reply, "RequestId")).isEqualTo(reply.requestId());
  }

  @Test
  void namesTheAssumedRoleWithoutItsPath() {
    StsReply reply = send(assumeRole(READER, "web-1"));

    assertThat(text(reply, "Arn")).isEqualTo("arn:aws:sts::210987654321:assumed-role/reader/web-1");
    assertThat(text(reply, "AssumedRoleId")).matches("AROA[A-Z0-9]{17}:web-1");
  }

  @Test
  void givesTheSameRoleTheSameRoleIdEveryTime() {
    String first = text(send(assumeRole(READER, "one")), "AssumedRoleId");
    String second = text(send(assumeRole(READER, "two")), "AssumedRoleId");

    assertThat(first.substring(0, first.indexOf(':')))
        .isEqualTo(second.substring(0, second.indexOf(':')));
  }

  @Test
  void honoursRequestedDurationUpToTheRoleMaximum() {
    useRoles(RoleDefinition.of(READER).withMaxSessionDuration(Duration.ofHours(12)));

    StsReply reply = send(assumeRole(READER, "long").param("DurationSeconds", "43200"));

    assertThat(text(reply, "Expiration")).isEqualTo("2025-03-02T00:00:00Z");
  }

  @Test
  void refusesDurationBeyondTheRoleMaximum() {
    StsReply reply = send(assumeRole(READER, "long").param("DurationSeconds", "7200"));

    assertThat(reply.status()).isEqualTo(400);
    assertThat(code(reply)).isEqualTo("ValidationError");
    assertThat(message(reply))
        .isEqualTo(
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  }

  @Test
  void capsRoleChainingAtOneHour() {
    useRoles(RoleDefinition.of(READER).withMaxSessionDuration(Duration.ofHours(12)));
    ReturnedCredentials first = StsReplies.credentials(send(assumeRole(READER, "first")));

    StsReply chained =
        send(
            assumeRole(READER, "second")
                .signedBy(first.accessKeyId(), first.secretAccessKey())
                .withToken(first.sessionToken())
                .param("DurationSeconds", "3601"));

    assertThat(code(chained)).isEqualTo("ValidationError");
    assertThat(message(chained))
        .isEqualTo(
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by"
                + " role chaining.");
  }

  @Test
  void allowsRoleChainingForAnHour() {
    ReturnedCredentials first = StsReplies.credentials(send(assumeRole(READER, "first")));

    StsReply chained =
        send(
            assumeRole(READER, "second")
                .signedBy(first.accessKeyId(), first.secretAccessKey())
                .withToken(first.sessionToken()));

    assertThat(chained.status()).isEqualTo(200);
  }

  @Test
  void refusesRolesMissingFromTheRolesFile() {
    useRoles(RoleDefinition.of(READER));

    StsReply reply = send(assumeRole("arn:aws:iam::210987654321:role/admin", "x1"));

    assertThat(reply.status()).isEqualTo(403);
    assertThat(code(reply)).isEqualTo("AccessDenied");
    assertThat(message(reply))
        .isEqualTo(
            "User: "
                + USER
                + " is not authorized to perform: sts:AssumeRole on resource:"
                + " arn:aws:iam::210987654321:role/admin");
  }

  @Test
  void refusesCallersTheRoleDoesNotTrust() {
    useRoles(RoleDefinition.of(READER).trusting("arn:aws:iam::123456789012:user/someone-else"));

    StsReply reply = send(assumeRole(READER, "x1"));

    assertThat(code(reply)).isEqualTo("AccessDenied");
    assertThat(message(reply)).startsWith("User: " + USER + " is not authorized");
  }

  @Test
  void trustInARoleCoversEverySessionOfThatRole() {
    String writer = "arn:aws:iam::210987654321:role/writer";
    useRoles(RoleDefinition.of(READER), RoleDefinition.of(writer).trusting(READER));
    ReturnedCredentials reader = StsReplies.credentials(send(assumeRole(READER, "first")));

    StsReply byUser = send(assumeRole(writer, "direct"));
    StsReply bySession =
        send(
            assumeRole(writer, "chained")
                .signedBy(reader.accessKeyId(), reader.secretAccessKey())
                .withToken(reader.sessionToken()));

    assertThat(code(byUser)).isEqualTo("AccessDenied");
    assertThat(bySession.status()).isEqualTo(200);
  }

  @Test
  void requiresTheRolesExternalId() {
    useRoles(RoleDefinition.of(READER).withExternalId("shared-1"));

    assertThat(code(send(assumeRole(READER, "x1")))).isEqualTo("AccessDenied");
    assertThat(code(send(assumeRole(READER, "x1").param("ExternalId", "other-1"))))
        .isEqualTo("AccessDenied");
    assertThat(send(assumeRole(READER, "x1").param("ExternalId", "shared-1")).status())
        .isEqualTo(200);
  }

  @Test
  void returnsSourceIdentityAndKeepsItThroughRoleChaining() {
    StsReply first = send(assumeRole(READER, "first").param("SourceIdentity", "alice"));
    ReturnedCredentials credentials = StsReplies.credentials(first);

    StsReply chained =
        send(
            assumeRole(READER, "second")
                .signedBy(credentials.accessKeyId(), credentials.secretAccessKey())
                .withToken(credentials.sessionToken()));
    StsReply changed =
        send(
            assumeRole(READER, "third")
                .signedBy(credentials.accessKeyId(), credentials.secretAccessKey())
                .withToken(credentials.sessionToken())
                .param("SourceIdentity", "mallory"));

    assertThat(text(first, "SourceIdentity")).isEqualTo("alice");
    assertThat(text(chained, "SourceIdentity")).isEqualTo("alice");
    assertThat(code(changed)).isEqualTo("AccessDenied");
  }

  @Test
  void reportsPackedPolicySizeOnlyWhenPolicyOrTagsArePassed() {
    StsReply plain = send(assumeRole(READER, "plain"));
    StsReply tagged =
        send(
            assumeRole(READER, "tagged")
                .param("Tags.member.1.Key", "team")
                .param("Tags.member.1.Value", "payments")
                .param("TransitiveTagKeys.member.1", "team")
                .param("Policy", "{\"Version\":\"2012-10-17\",\"Statement\":[]}"));

    assertThat(text(plain, "PackedPolicySize")).isNull();
    assertThat(Integer.parseInt(text(tagged, "PackedPolicySize"))).isBetween(1, 100);
  }

  @Test
  void refusesSessionPolicyThatIsNotJson() {
    StsReply reply = send(assumeRole(READER, "p1").param("Policy", "{not json"));

    assertThat(reply.status()).isEqualTo(400);
    assertThat(code(reply)).isEqualTo("MalformedPolicyDocument");
  }

  @Test
  void rememberedSessionsCanCallAfterIssueAndExpireWithTheClock() {
    ReturnedCredentials credentials = StsReplies.credentials(send(assumeRole(READER, "s1")));
    SignedRequests whoAmI =
        SignedRequests.action("GetCallerIdentity")
            .signedBy(credentials.accessKeyId(), credentials.secretAccessKey())
            .withToken(credentials.sessionToken());

    assertThat(text(send(whoAmI.at(clock.instant())), "Arn"))
        .isEqualTo("arn:aws:sts::210987654321:assumed-role/reader/s1");
    clock.advance(Duration.ofHours(1));
    assertThat(code(send(whoAmI.at(clock.instant())))).isEqualTo("ExpiredToken");
  }
}
