package io.podium.core.role;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RoleBaseArnTest {

  @ParameterizedTest
  @ValueSource(strings = {"arn:aws:iam::123456789012:role/", "arn:aws:iam::123456789012:role"})
  void parsesBaseWithOrWithoutTrailingSlash(String value) {
    RoleBaseArn base = RoleBaseArn.parse(value);

    assertThat(base).isEqualTo(new RoleBaseArn("aws", "123456789012", "/"));
    assertThat(base).hasToString("arn:aws:iam::123456789012:role/");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "arn:aws-cn:iam::123456789012:role/team/",
        "arn:aws-cn:iam::123456789012:role/team"
      })
  void parsesBaseWithPath(String value) {
    RoleBaseArn base = RoleBaseArn.parse(value);

    assertThat(base.partition()).isEqualTo("aws-cn");
    assertThat(base.path()).isEqualTo("/team/");
    assertThat(base).hasToString("arn:aws-cn:iam::123456789012:role/team/");
  }

  @Test
  void resolvesNameAgainstBase() {
    RoleBaseArn base = RoleBaseArn.parse("arn:aws:iam::123456789012:role/");

    assertThat(base.resolve("reader"))
        .isEqualTo(new RoleArn("aws", "123456789012", "/", "reader"))
        .hasToString("arn:aws:iam::123456789012:role/reader");
  }

  @Test
  void resolvesNameWithPathAgainstBase() {
    RoleBaseArn base = RoleBaseArn.parse("arn:aws:iam::123456789012:role/");

    RoleArn role = base.resolve("team/reader");

    assertThat(role.path()).isEqualTo("/team/");
    assertThat(role.name()).isEqualTo("reader");
  }

  @Test
  void resolvesNameBelowTheBasePath() {
    RoleBaseArn base = RoleBaseArn.parse("arn:aws:iam::123456789012:role/team");

    assertThat(base.resolve("data/reader"))
        .hasToString("arn:aws:iam::123456789012:role/team/data/reader");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "read er", "reader/", "a:b", "team//reader"})
  void refusesToResolveMalformedNames(String name) {
    RoleBaseArn base = RoleBaseArn.parse("arn:aws:iam::123456789012:role/");

    assertThatThrownBy(() -> base.resolve(name)).isInstanceOf(MalformedRoleException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "arn:aws:iam::123456789012:user/",
        "arn:aws:iam::1234:role/",
        "arn:aws-iso:iam::123456789012:role/",
        "arn:aws:iam::123456789012:role/team//",
        "arn:aws:iam::123456789012:role/te am",
        "123456789012",
      })
  void rejectsMalformedBaseNamingWhatIsExpected(String value) {
    assertThatThrownBy(() -> RoleBaseArn.parse(value))
        .isInstanceOf(MalformedRoleException.class)
        .hasMessageContaining("base role ARN '" + value + "' is invalid")
        .hasMessageContaining("expected arn:aws:iam::<account>:role/");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   "})
  void rejectsEmptyBase(String value) {
    assertThatThrownBy(() -> RoleBaseArn.parse(value))
        .isInstanceOf(MalformedRoleException.class)
        .hasMessage("base role ARN is empty");
  }

  @Test
  void knowsWhichRolesShareItsAccount() {
    RoleBaseArn base = RoleBaseArn.parse("arn:aws:iam::123456789012:role/team/");

    assertThat(base.sameAccount(RoleArn.parse("arn:aws:iam::123456789012:role/reader"))).isTrue();
    assertThat(base.sameAccount(RoleArn.parse("arn:aws:iam::123456789012:role/other/reader")))
        .isTrue();
    assertThat(base.sameAccount(RoleArn.parse("arn:aws:iam::210987654321:role/team/reader")))
        .isFalse();
    assertThat(base.sameAccount(RoleArn.parse("arn:aws-cn:iam::123456789012:role/team/reader")))
        .isFalse();
  }
}
