package io.podium.core.role;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RoleArnTest {

  @ParameterizedTest
  @ValueSource(strings = {"aws", "aws-cn", "aws-us-gov"})
  void parsesRoleInEveryPartition(String partition) {
    RoleArn role = RoleArn.parse("arn:" + partition + ":iam::123456789012:role/reader");

    assertThat(role.partition()).isEqualTo(partition);
    assertThat(role.accountId()).isEqualTo("123456789012");
    assertThat(role.path()).isEqualTo("/");
    assertThat(role.name()).isEqualTo("reader");
    assertThat(role.pathAndName()).isEqualTo("reader");
  }

  @Test
  void parsesRoleWithPath() {
    RoleArn role = RoleArn.parse("arn:aws:iam::123456789012:role/team/data/reader");

    assertThat(role.path()).isEqualTo("/team/data/");
    assertThat(role.name()).isEqualTo("reader");
    assertThat(role.pathAndName()).isEqualTo("team/data/reader");
    assertThat(role.base()).isEqualTo(new RoleBaseArn("aws", "123456789012", "/team/data/"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "arn:aws:iam::123456789012:role/reader",
        "arn:aws-cn:iam::123456789012:role/team/reader",
        "arn:aws-us-gov:iam::000000000000:role/a/b/c/x+=,.@_-Y9",
      })
  void printsBackExactlyWhatItParsed(String arn) {
    assertThat(RoleArn.parse(arn)).hasToString(arn);
    assertThat(RoleArn.parse(arn)).isEqualTo(RoleArn.parse(arn));
  }

  @Test
  void acceptsEveryCharacterIamAllowsInNames() {
    RoleArn role = RoleArn.parse("arn:aws:iam::123456789012:role/Az09+=,.@_-");

    assertThat(role.name()).isEqualTo("Az09+=,.@_-");
  }

  @Test
  void acceptsNameOfSixtyFourCharacters() {
    String name = "r".repeat(64);

    assertThat(RoleArn.parse("arn:aws:iam::123456789012:role/" + name).name()).isEqualTo(name);
  }

  @Test
  void acceptsPathOfFiveHundredTwelveCharacters() {
    String path = "/" + "p".repeat(510) + "/";

    assertThat(RoleArn.parse("arn:aws:iam::123456789012:role" + path + "reader").path())
        .isEqualTo(path);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      textBlock =
          """
          reader                                                  | is not an ARN
          arn:aws:iam::123456789012                               | is not an ARN
          urn:aws:iam::123456789012:role/reader                   | is not an ARN
          arn:aws:s3:::bucket/key:x                               | is not an IAM role ARN
          arn:aws:sts::123456789012:assumed-role/reader/session   | is not an IAM role ARN
          arn:aws:iam:us-east-1:123456789012:role/reader          | is not an IAM role ARN
          arn:aws:iam::123456789012:user/alice                    | names a 'user', not a role
          arn:aws:iam::123456789012:instance-profile/reader       | names a 'instance-profile', not a role
          arn:aws:iam::123456789012:role                          | names a non-role resource, not a role
          arn:aws:iam::123456789012:rolereader                    | names a non-role resource, not a role
          arn:aws:iam::12345678901:role/reader                    | account id '12345678901' is not twelve digits
          arn:aws:iam::1234567890123:role/reader                  | is not twelve digits
          arn:aws:iam::12345678901a:role/reader                   | is not twelve digits
          arn:aws:iam:::role/reader                               | account id '' is not twelve digits
          arn:aws:iam::123456789012:role/                         | role name '' is invalid
          arn:aws:iam::123456789012:role/team/                    | role name '' is invalid
          arn:aws:iam::123456789012:role/read er                  | role name 'read er' is invalid
          arn:aws:iam::123456789012:role/read*er                  | role name 'read*er' is invalid
          arn:aws:iam::123456789012:role/read:er                  | role name 'read:er' is invalid
          arn:aws:iam::123456789012:role/réader                   | role name 'réader' is invalid
          arn:aws:iam::123456789012:role//reader                  | has an empty segment or a forbidden character
          arn:aws:iam::123456789012:role/te am/reader             | has an empty segment or a forbidden character
          arn:aws-iso:iam::123456789012:role/reader               | unknown partition 'aws-iso'
          arn:AWS:iam::123456789012:role/reader                   | unknown partition 'AWS'
          arn::iam::123456789012:role/reader                      | unknown partition ''
          """)
  void rejectsMalformedArnWithReason(String arn, String reason) {
    assertThatThrownBy(() -> RoleArn.parse(arn))
        .isInstanceOf(MalformedRoleException.class)
        .hasMessageContaining(reason);
  }

  @Test
  void rejectsEmptyAndNullInput() {
    assertThatThrownBy(() -> RoleArn.parse(""))
        .isInstanceOf(MalformedRoleException.class)
        .hasMessage("role ARN is empty");
    assertThatThrownBy(() -> RoleArn.parse(null))
        .isInstanceOf(MalformedRoleException.class)
        .hasMessage("role ARN is empty");
  }

  @Test
  void rejectsNameOfSixtyFiveCharacters() {
    assertThatThrownBy(() -> RoleArn.parse("arn:aws:iam::123456789012:role/" + "r".repeat(65)))
        .isInstanceOf(MalformedRoleException.class)
        .hasMessageContaining("1-64 characters");
  }

  @Test
  void rejectsPathLongerThanIamAllows() {
    String path = "/" + "p".repeat(511) + "/";

    assertThatThrownBy(() -> RoleArn.parse("arn:aws:iam::123456789012:role" + path + "reader"))
        .isInstanceOf(MalformedRoleException.class)
        .hasMessageContaining("role path is longer than 512");
  }

  @Test
  void rejectsHugeInputWithShortMessage() {
    String huge = "arn:aws:iam::123456789012:role/" + "a".repeat(10_000);

    assertThatThrownBy(() -> RoleArn.parse(huge))
        .isInstanceOf(MalformedRoleException.class)
        .hasMessage("role ARN is longer than 2048 characters");
  }

  @Test
  void abbreviatesHostileInputInMessages() {
    String arn = "arn:aws:iam::123456789012:user/" + "u".repeat(1_500);

    assertThatThrownBy(() -> RoleArn.parse(arn))
        .isInstanceOf(MalformedRoleException.class)
        .hasMessageContaining("…")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300));
  }

  @Test
  void constructorEnforcesTheSameRulesAsParse() {
    assertThatThrownBy(() -> new RoleArn("aws", "123456789012", "team/", "reader"))
        .isInstanceOf(MalformedRoleException.class)
        .hasMessageContaining("must start and end with '/'");
    assertThatThrownBy(() -> new RoleArn("aws", "123456789012", "/", ""))
        .isInstanceOf(MalformedRoleException.class);
    assertThatThrownBy(() -> new RoleArn("gcp", "123456789012", "/", "reader"))
        .isInstanceOf(MalformedRoleException.class);
    assertThatThrownBy(() -> new RoleArn("aws", null, "/", "reader"))
        .isInstanceOf(MalformedRoleException.class);
  }

  @Test
  void rolesDifferingInAnyPartAreNotEqual() {
    RoleArn role = RoleArn.parse("arn:aws:iam::123456789012:role/team/reader");

    assertThat(role)
        .isNotEqualTo(RoleArn.parse("arn:aws-cn:iam::123456789012:role/team/reader"))
        .isNotEqualTo(RoleArn.parse("arn:aws:iam::210987654321:role/team/reader"))
        .isNotEqualTo(RoleArn.parse("arn:aws:iam::123456789012:role/reader"))
        .isNotEqualTo(RoleArn.parse("arn:aws:iam::123456789012:role/team/Reader"));
  }
}
