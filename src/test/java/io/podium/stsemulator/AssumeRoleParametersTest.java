package io.podium.stsemulator;

import static io.podium.stsemulator.StsReplies.code;
import static io.podium.stsemulator.StsReplies.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.podium.testing.MutableClock;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AssumeRoleParametersTest {

  private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
  private static final String READER = "arn:aws:iam::123456789012:role/reader";

  private final StsEmulator emulator = StsEmulator.builder().clock(new MutableClock(NOW)).build();

  @AfterEach
  void close() {
    emulator.close();
  }

  private StsReply assumeRole(String... parameters) {
    SignedRequests request = SignedRequests.action("AssumeRole").at(NOW);
    for (int i = 0; i < parameters.length; i += 2) {
      request.param(parameters[i], parameters[i + 1]);
    }
    return emulator.handle(request.build());
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "RoleSessionName|a|Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must"
            + " have length greater than or equal to 2",
        "RoleSessionName|has space|Value 'has space' at 'roleSessionName' failed to satisfy"
            + " constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
        "RoleSessionName|0123456789012345678901234567890123456789012345678901234567890123x|Member"
            + " must have length less than or equal to 64",
        "DurationSeconds|899|Value '899' at 'durationSeconds' failed to satisfy constraint: Member"
            + " must have value greater than or equal to 900",
        "DurationSeconds|43201|Member must have value less than or equal to 43200",
        "DurationSeconds|1h|Value '1h' at 'durationSeconds' failed to satisfy constraint: Member"
            + " must be a whole number",
        "ExternalId|x|Value 'x' at 'externalId' failed to satisfy constraint: Member must have"
            + " length greater than or equal to 2",
        "ExternalId|no spaces|at 'externalId' failed to satisfy constraint: Member must satisfy"
            + " regular expression pattern",
        "SourceIdentity|a b|at 'sourceIdentity' failed to satisfy constraint",
        "Tags.member.1.Key|bad#key|at 'tags.1.member.key' failed to satisfy constraint",
      })
  void refusesParameterOutsideItsConstraint(String name, String value, String expected) {
    StsReply reply = assumeRole("RoleArn", READER, "RoleSessionName", "ok", name, value);

    assertThat(reply.status()).isEqualTo(400);
    assertThat(code(reply)).isEqualTo("ValidationError");
    assertThat(message(reply)).startsWith("1 validation error detected: ").contains(expected);
  }

  @Test
  void refusesMissingRoleArnAndSessionNameInOneError() {
    StsReply reply = assumeRole();

    assertThat(message(reply))
        .isEqualTo(
            "2 validation errors detected: Value null at 'roleArn' failed to satisfy constraint:"
                + " Member must not be null; Value null at 'roleSessionName' failed to satisfy"
                + " constraint: Member must not be null");
  }

  @Test
  void refusesRoleArnThatIsNotAnIamRole() {
    StsReply reply =
        assumeRole("RoleArn", "arn:aws:iam::123456789012:user/alice", "RoleSessionName", "ok");

    assertThat(code(reply)).isEqualTo("ValidationError");
    assertThat(message(reply)).startsWith("Invalid RoleArn:").contains("not a role");
  }

  @Test
  void refusesRoleArnInUnknownPartition() {
    StsReply reply =
        assumeRole("RoleArn", "arn:aws-xx:iam::123456789012:role/r", "RoleSessionName", "ok");

    assertThat(message(reply)).contains("partition");
  }

  @Test
  void acceptsRoleArnsOfEveryPartition() {
    for (String partition : new String[] {"aws", "aws-cn", "aws-us-gov"}) {
      StsReply reply =
          assumeRole(
              "RoleArn", "arn:" + partition + ":iam::123456789012:role/r", "RoleSessionName", "ok");
      assertThat(reply.status()).as(partition).isEqualTo(200);
      assertThat(StsReplies.text(reply, "Arn"))
          .isEqualTo("arn:" + partition + ":sts::123456789012:assumed-role/r/ok");
    }
  }

  @Test
  void refusesMoreThanFiftyTags() {
    SignedRequests request =
        SignedRequests.action("AssumeRole")
            .param("RoleArn", READER)
            .param("RoleSessionName", "ok")
            .at(NOW);
    for (int i = 1; i <= 51; i++) {
      request.param("Tags.member." + i + ".Key", "k" + i).param("Tags.member." + i + ".Value", "v");
    }

    StsReply reply = emulator.handle(request.build());

    assertThat(message(reply))
        .contains(
            "at 'tags' failed to satisfy constraint: Member must have length less than or"
                + " equal to 50");
  }

  @Test
  void refusesTagKeysThatDifferOnlyInCase() {
    StsReply reply =
        assumeRole(
            "RoleArn", READER,
            "RoleSessionName", "ok",
            "Tags.member.1.Key", "Team",
            "Tags.member.1.Value", "a",
            "Tags.member.2.Key", "team",
            "Tags.member.2.Value", "b");

    assertThat(message(reply)).contains("Duplicate tag keys found");
  }

  @Test
  void acceptsTheLimitsThemselves() {
    StsReply reply =
        assumeRole(
            "RoleArn",
            READER,
            "RoleSessionName",
            "a".repeat(64),
            "DurationSeconds",
            "900",
            "ExternalId",
            "ab");

    assertThat(reply.status()).isEqualTo(200);
  }
}
