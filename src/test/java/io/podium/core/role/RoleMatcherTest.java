package io.podium.core.role;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile and oversized patterns: RE2/J keeps matching linear, and RoleMatcher keeps compiling
 * bounded. Without the bounds some of these tests would hang or exhaust the heap instead of
 * failing.
 */
class RoleMatcherTest {

  private static final Optional<RoleBaseArn> BASE =
      Optional.of(RoleBaseArn.parse("arn:aws:iam::123456789012:role/"));

  @ParameterizedTest
  @ValueSource(strings = {"(a+)+$", "(a+)+", "(a|aa)*", "(a*)*b", "(.*a){20}", "((a|a)*)*"})
  void matchesHostileRegexAgainstHugeInputInLinearTime(String hostile) {
    RoleMatcher matcher = RoleMatcher.permittedRegex(hostile, BASE);
    String input = "a".repeat(50_000) + "!";

    // A backtracking engine would not return from this in the lifetime of the test run.
    assertThat(matcher.matchesWhole(input)).isFalse();
  }

  @Test
  void matchesHostileRegexAgainstLongestLegalRole() {
    RoleMatcher matcher = RoleMatcher.permittedRegex("(a+)+", BASE);
    String path = "/" + "a".repeat(510) + "/";
    RoleArn longest = RoleArn.parse("arn:aws:iam::123456789012:role" + path + "a".repeat(63) + "b");

    // The path is not written out, so matches() would not even run the regex: run it here.
    assertThat(matcher.matchesWhole(longest.toString())).isFalse();
    assertThat(matcher.matchesWhole(longest.pathAndName())).isFalse();
    assertThat(matcher.matches(longest)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "((a{1000}){1000}){1000}",
        "(a{1000}){1000}",
        "((((a{100}){100}){100}){100})",
        "(?:[a-z]{1000}){11}",
        "(a{0,1000}){0,1000}",
        "(?:(?:a{30}){30}){30}",
        "(?i:\\pL{1000}){11}",
      })
  void refusesPatternsThatWouldExpandBeyondTheBudget(String regex) {
    // Before the budget, RE2/J spent seconds and over a gigabyte on the first of these.
    assertThatThrownBy(() -> RoleMatcher.permittedRegex(regex, BASE))
        .isInstanceOf(InvalidPolicyException.class)
        .hasMessageContaining("is too complex")
        .hasMessageContaining("more than 10000 steps");
  }

  @Test
  void refusesFourThousandCharactersOfCountedRepetitions() {
    String regex = "a{1000}".repeat(580);
    assertThat(regex).hasSizeLessThanOrEqualTo(RoleMatcher.MAX_PATTERN_LENGTH);

    assertThatThrownBy(() -> RoleMatcher.permittedRegex(regex, BASE))
        .isInstanceOf(InvalidPolicyException.class)
        .hasMessageContaining("is too complex");
  }

  @Test
  void acceptsFourThousandCharacterListOfRoles() {
    String regex =
        IntStream.range(0, 510)
            .mapToObj(i -> String.format("app-%03d", i))
            .collect(Collectors.joining("|"));
    assertThat(regex.length()).isBetween(4_000, RoleMatcher.MAX_PATTERN_LENGTH);

    RoleMatcher matcher = RoleMatcher.permittedRegex(regex, BASE);

    assertThat(matcher.matches(RoleArn.parse("arn:aws:iam::123456789012:role/app-509"))).isTrue();
    assertThat(matcher.matches(RoleArn.parse("arn:aws:iam::123456789012:role/app-510"))).isFalse();
  }

  @Test
  void acceptsPatternsOfMaximumLengthWithoutCounts() {
    String regex = "(?:x|y)*".repeat(RoleMatcher.MAX_PATTERN_LENGTH / 8);
    assertThat(regex).hasSize(RoleMatcher.MAX_PATTERN_LENGTH);

    assertThat(RoleMatcher.permittedRegex(regex, BASE).matchesWhole("xyxy")).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "[a-z0-9-]{1,64}",
        "arn:aws:iam::\\d{12}:role/(?:team-a|team-b)/[\\w+=,.@-]{1,64}",
        "(?:[a-z]{1,63}/){0,10}[a-z]{1,64}",
        "a{1000}",
      })
  void acceptsRealisticCountedPatterns(String regex) {
    assertThat(RoleMatcher.permittedRegex(regex, BASE)).isNotNull();
  }

  @Test
  void refusesPatternLongerThanTheLimit() {
    String regex = "a".repeat(RoleMatcher.MAX_PATTERN_LENGTH + 1);

    assertThatThrownBy(() -> RoleMatcher.permittedRegex(regex, BASE))
        .isInstanceOf(InvalidPolicyException.class)
        .hasMessage("iam.amazonaws.com/permitted is longer than 4096 characters");
  }

  @Test
  void compilesDeeplyNestedGroupsWithoutOverflowingTheStack() {
    String regex = "(".repeat(2_000) + "a" + ")".repeat(2_000);

    RoleMatcher matcher = RoleMatcher.permittedRegex(regex, BASE);

    assertThat(matcher.matchesWhole("a")).isTrue();
  }

  @Test
  void quotedTextCannotSwallowTheClosingAnchor() {
    // Alone "\Qa)|(b" is a valid literal; inside the anchoring group it would leave it unclosed.
    assertThatThrownBy(() -> RoleMatcher.permittedRegex("\\Qa)|(b", BASE))
        .isInstanceOf(InvalidPolicyException.class)
        .hasMessageContaining("is not a valid regular expression");
  }

  @Test
  void quotedTextIsMatchedLiterally() {
    RoleMatcher matcher = RoleMatcher.permittedRegex("\\Qteam.a\\E/.*", BASE);

    assertThat(matcher.matches(RoleArn.parse("arn:aws:iam::123456789012:role/team.a/reader")))
        .isTrue();
    assertThat(matcher.matches(RoleArn.parse("arn:aws:iam::123456789012:role/teamxa/reader")))
        .isFalse();
  }

  @Test
  void abbreviatesHugeInvalidPatternInItsMessage() {
    String regex = "(" + "a".repeat(4_000);

    assertThatThrownBy(() -> RoleMatcher.permittedRegex(regex, BASE))
        .isInstanceOf(InvalidPolicyException.class)
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
  }

  @Test
  void keepsDescriptionsOfLongRulesShort() {
    String regex = "app-[0-9]+|" + "x".repeat(4_000);
    List<String> globs = IntStream.range(0, 150).mapToObj(i -> "role-" + i).toList();

    assertThat(RoleMatcher.permittedRegex(regex, BASE).description())
        .startsWith("permitted regex 'app-[0-9]+|xxx")
        .hasSizeLessThan(200);
    assertThat(RoleMatcher.allowedRoleGlobs(globs, BASE).description())
        .startsWith("allowed-roles [role-0, role-1, ")
        .hasSizeLessThan(200);
  }

  @Test
  void refusesAllowedRolesListTooLargeToMatchQuickly() {
    // About 246 KB, within Kubernetes' annotation limit; it cost 0.6 s per match before the budget.
    List<String> globs = IntStream.range(0, 60).mapToObj(i -> "*a".repeat(2_048)).toList();

    assertThatThrownBy(() -> RoleMatcher.allowedRoleGlobs(globs, BASE))
        .isInstanceOf(InvalidPolicyException.class)
        .hasMessageContaining("iam.amazonaws.com/allowed-roles is too large: its 60 entries")
        .hasMessageContaining("list fewer roles or cover them with * globs");
  }

  @Test
  void acceptsRealisticallyLongAllowedRolesList() {
    List<String> globs =
        IntStream.range(0, 150).mapToObj(i -> String.format("app-reader-%03d", i)).toList();

    RoleMatcher matcher = RoleMatcher.allowedRoleGlobs(globs, BASE);

    assertThat(matcher.matches(RoleArn.parse("arn:aws:iam::123456789012:role/app-reader-149")))
        .isTrue();
  }

  @Test
  void acceptsSingleGlobOfMaximumLength() {
    String glob = "team/*" + "r".repeat(RoleMatcher.MAX_PATTERN_LENGTH - 6);

    assertThat(RoleMatcher.allowedRoleGlobs(List.of(glob), BASE)).isNotNull();
  }

  @Test
  void globsMatchOnlyFullArnsNeverBareNames() {
    RoleMatcher matcher = RoleMatcher.allowedRoleGlobs(List.of("reader"), BASE);

    assertThat(matcher.matchesWhole("arn:aws:iam::123456789012:role/reader")).isTrue();
    assertThat(matcher.matchesWhole("reader")).isFalse();
  }

  @Test
  void globsWithRegexSyntaxCannotBreakOut() {
    RoleMatcher matcher = RoleMatcher.allowedRoleGlobs(List.of("a)|(.*", "\\E.*\\Q"), BASE);

    assertThat(matcher.matches(RoleArn.parse("arn:aws:iam::123456789012:role/anything"))).isFalse();
    assertThat(matcher.matchesWhole("arn:aws:iam::123456789012:role/a)|(.anything")).isTrue();
  }
}
