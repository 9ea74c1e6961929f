package io.podium.core.role;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.core.role.Decision.Allowed;
import io.podium.core.role.Decision.Denied;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RolePolicyTest {

  private static final Optional<RoleBaseArn> BASE =
      Optional.of(RoleBaseArn.parse("arn:aws:iam::123456789012:role/"));
  private static final Optional<RoleBaseArn> TEAM_BASE =
      Optional.of(RoleBaseArn.parse("arn:aws:iam::123456789012:role/team/"));

  private final RolePolicy policy = new RolePolicy(true);

  private static RoleArn role(String arn) {
    return RoleArn.parse(arn);
  }

  private static RoleArn ownRole(String pathAndName) {
    return role("arn:aws:iam::123456789012:role/" + pathAndName);
  }

  private static NamespacePolicy permitted(String regex, Optional<RoleBaseArn> base) {
    return NamespacePolicy.compile("ns", regex, AllowedRoles.ABSENT, base);
  }

  private static NamespacePolicy allowedRoles(Optional<RoleBaseArn> base, String... globs) {
    return NamespacePolicy.compile("ns", null, new AllowedRoles.Listed(List.of(globs)), base);
  }

  @Nested
  class PermittedRegex {

    @Test
    void allowsRoleWhoseArnMatches() {
      NamespacePolicy ns = permitted("arn:aws:iam::123456789012:role/reader", BASE);

      Decision decision = policy.decide(ns, ownRole("reader"));

      assertThat(decision).isInstanceOf(Allowed.class);
      assertThat(decision.explanation())
          .contains("arn:aws:iam::123456789012:role/reader")
          .contains("namespace ns")
          .contains("permitted regex 'arn:aws:iam::123456789012:role/reader'");
    }

    @Test
    void allowsRoleWhoseNameMatches() {
      NamespacePolicy ns = permitted("reader|writer", BASE);

      assertThat(policy.decide(ns, ownRole("reader"))).isInstanceOf(Allowed.class);
      assertThat(policy.decide(ns, ownRole("writer"))).isInstanceOf(Allowed.class);
    }

    @Test
    void allowsRoleWhosePathAndNameMatch() {
      NamespacePolicy ns = permitted("team/.*", BASE);

      assertThat(policy.decide(ns, ownRole("team/reader"))).isInstanceOf(Allowed.class);
      assertThat(policy.decide(ns, ownRole("team/data/reader"))).isInstanceOf(Allowed.class);
      assertThat(policy.decide(ns, ownRole("other/reader"))).isInstanceOf(Denied.class);
      assertThat(policy.decide(ns, ownRole("team"))).isInstanceOf(Denied.class);
    }

    @Test
    void nameRegexDoesNotIgnoreThePath() {
      NamespacePolicy ns = permitted("reader", BASE);

      assertThat(policy.decide(ns, ownRole("team/reader"))).isInstanceOf(Denied.class);
    }

    @Test
    void matchesNamesRelativeToTheBasePathAndFromTheRoot() {
      NamespacePolicy relative = permitted("reader", TEAM_BASE);
      NamespacePolicy fromRoot = permitted("team/reader", TEAM_BASE);

      assertThat(policy.decide(relative, ownRole("team/reader"))).isInstanceOf(Allowed.class);
      assertThat(policy.decide(fromRoot, ownRole("team/reader"))).isInstanceOf(Allowed.class);
      assertThat(policy.decide(relative, ownRole("other/reader"))).isInstanceOf(Denied.class);
    }

    @Test
    void deniesRoleOutsideNamespacePattern() {
      NamespacePolicy ns = permitted("reader", BASE);

      Decision decision = policy.decide(ns, ownRole("admin"));

      assertThat(decision)
          .isEqualTo(
              new Denied(
                  "role arn:aws:iam::123456789012:role/admin is not permitted in namespace ns"));
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "arn:aws:iam::210987654321:role/reader",
          "arn:aws-cn:iam::123456789012:role/reader",
          "arn:aws-us-gov:iam::123456789012:role/reader",
        })
    void bareNameRegexNeverPermitsAnotherAccountsRole(String arn) {
      NamespacePolicy ns = permitted("reader", BASE);

      assertThat(policy.decide(ns, role(arn))).isInstanceOf(Denied.class);
    }

    @Test
    void bareNameRegexPermitsNothingWithoutBaseArn() {
      NamespacePolicy ns = permitted("reader", Optional.empty());

      assertThat(policy.decide(ns, ownRole("reader"))).isInstanceOf(Denied.class);
    }

    @Test
    void arnRegexMayPermitAnotherAccountExplicitly() {
      NamespacePolicy ns = permitted("arn:aws:iam::210987654321:role/.*", BASE);

      assertThat(policy.decide(ns, role("arn:aws:iam::210987654321:role/reader")))
          .isInstanceOf(Allowed.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"reader-admin", "my-reader", "readers", "writer2"})
    void anchorsTheWholeRegexIncludingAlternatives(String name) {
      NamespacePolicy ns = permitted("reader|writer", BASE);

      assertThat(policy.decide(ns, ownRole(name))).isInstanceOf(Denied.class);
    }

    @Test
    void anchorsArnRegexAtBothEnds() {
      NamespacePolicy ns = permitted("arn:aws:iam::123456789012:role/reader", BASE);

      assertThat(policy.decide(ns, ownRole("reader2"))).isInstanceOf(Denied.class);
      assertThat(policy.decide(ns, role("arn:aws:iam::123456789012:role/x/reader")))
          .isInstanceOf(Denied.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a)|(b", ".*)|(.*", "reader)|.*|(x", "x)|(?:.*"})
    void refusesRegexThatTriesToEscapeTheAnchoringGroup(String regex) {
      NamespacePolicy ns = permitted(regex, BASE);

      assertThat(ns.problems())
          .singleElement()
          .asString()
          .contains("is not a valid regular expression");
      assertThat(policy.decide(ns, ownRole("anything"))).isInstanceOf(Denied.class);
      assertThat(policy.decide(ns, ownRole("a"))).isInstanceOf(Denied.class);
    }

    @Test
    void reportsInvalidRegexInEveryDenial() {
      NamespacePolicy ns = permitted("reader[", BASE);

      Decision decision = policy.decide(ns, ownRole("reader"));

      assertThat(decision).isInstanceOf(Denied.class);
      assertThat(decision.explanation())
          .contains("is not permitted in namespace ns")
          .contains("iam.amazonaws.com/permitted 'reader[' is not a valid regular expression");
    }

    @Test
    void emptyRegexPermitsNothing() {
      NamespacePolicy ns = permitted("", BASE);

      assertThat(ns.annotated()).isTrue();
      assertThat(policy.decide(ns, ownRole("reader"))).isInstanceOf(Denied.class);
    }
  }

  @Nested
  class AllowedRolesGlobs {

    @Test
    void allowsListedBareName() {
      NamespacePolicy ns = allowedRoles(BASE, "reader");

      Decision decision = policy.decide(ns, ownRole("reader"));

      assertThat(decision).isInstanceOf(Allowed.class);
      assertThat(decision.explanation()).contains("allowed-roles [reader]");
      assertThat(policy.decide(ns, ownRole("writer"))).isInstanceOf(Denied.class);
    }

    @Test
    void joinsBareGlobsToTheBasePath() {
      NamespacePolicy ns = allowedRoles(TEAM_BASE, "reader");

      assertThat(policy.decide(ns, ownRole("team/reader"))).isInstanceOf(Allowed.class);
      assertThat(policy.decide(ns, ownRole("reader"))).isInstanceOf(Denied.class);
    }

    @Test
    void starMatchesAnyRunOfCharacters() {
      NamespacePolicy ns = allowedRoles(BASE, "team/*", "app-*-reader");

      assertThat(policy.decide(ns, ownRole("team/reader"))).isInstanceOf(Allowed.class);
      assertThat(policy.decide(ns, ownRole("team/data/reader"))).isInstanceOf(Allowed.class);
      assertThat(policy.decide(ns, ownRole("app-billing-reader"))).isInstanceOf(Allowed.class);
      assertThat(policy.decide(ns, ownRole("app--reader"))).isInstanceOf(Allowed.class);
      assertThat(policy.decide(ns, ownRole("other/reader"))).isInstanceOf(Denied.class);
      assertThat(policy.decide(ns, ownRole("app-billing-writer"))).isInstanceOf(Denied.class);
    }

    @Test
    void bareStarPermitsOnlyTheBaseAccount() {
      NamespacePolicy ns = allowedRoles(BASE, "*");

      assertThat(policy.decide(ns, ownRole("anything"))).isInstanceOf(Allowed.class);
      assertThat(policy.decide(ns, role("arn:aws:iam::210987654321:role/anything")))
          .isInstanceOf(Denied.class);
    }

    @Test
    void allowsGlobbedFullArns() {
      NamespacePolicy ns = allowedRoles(BASE, "arn:aws:iam::210987654321:role/shared-*");

      assertThat(policy.decide(ns, role("arn:aws:iam::210987654321:role/shared-reader")))
          .isInstanceOf(Allowed.class);
      assertThat(policy.decide(ns, role("arn:aws:iam::210987654321:role/private")))
          .isInstanceOf(Denied.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"readxr", "rea", "readerr"})
    void treatsEverythingButStarLiterally(String name) {
      NamespacePolicy ns = allowedRoles(BASE, "read.r", "reader+", "rea(d)?");

      assertThat(policy.decide(ns, ownRole(name))).isInstanceOf(Denied.class);
      assertThat(policy.decide(ns, ownRole("read.r"))).isInstanceOf(Allowed.class);
      assertThat(policy.decide(ns, ownRole("reader+"))).isInstanceOf(Allowed.class);
    }

    @Test
    void treatsTextAroundStarsLiterally() {
      NamespacePolicy ns = allowedRoles(BASE, "team.a/*", "*-r.d");

      assertThat(policy.decide(ns, ownRole("team.a/reader"))).isInstanceOf(Allowed.class);
      assertThat(policy.decide(ns, ownRole("teamxa/reader"))).isInstanceOf(Denied.class);
      assertThat(policy.decide(ns, ownRole("app-r.d"))).isInstanceOf(Allowed.class);
      assertThat(policy.decide(ns, ownRole("app-rxd"))).isInstanceOf(Denied.class);
    }

    @Test
    void bareGlobsWithoutBaseArnPermitNothingAndSaySo() {
      NamespacePolicy ns = allowedRoles(Optional.empty(), "reader", "*");

      Decision decision = policy.decide(ns, ownRole("reader"));

      assertThat(decision).isInstanceOf(Denied.class);
      assertThat(decision.explanation())
          .contains("iam.amazonaws.com/allowed-roles lists no usable role")
          .contains("bare names need --role-base-arn");
    }

    @Test
    void fullArnGlobsStillWorkWithoutBaseArn() {
      NamespacePolicy ns =
          allowedRoles(Optional.empty(), "reader", "arn:aws:iam::123456789012:role/writer");

      assertThat(policy.decide(ns, ownRole("writer"))).isInstanceOf(Allowed.class);
      assertThat(policy.decide(ns, ownRole("reader"))).isInstanceOf(Denied.class);
    }

    @Test
    void emptyListPermitsNothing() {
      NamespacePolicy ns = allowedRoles(BASE);

      assertThat(ns.annotated()).isTrue();
      assertThat(policy.decide(ns, ownRole("reader"))).isInstanceOf(Denied.class);
    }

    @Test
    void reportsMalformedJsonInTheDenial() {
      NamespacePolicy ns =
          NamespacePolicy.compile(
              "ns", null, new AllowedRoles.Malformed("Unexpected character ']' at 1:9"), BASE);

      Decision decision = policy.decide(ns, ownRole("reader"));

      assertThat(ns.annotated()).isTrue();
      assertThat(decision).isInstanceOf(Denied.class);
      assertThat(decision.explanation())
          .contains(
              "iam.amazonaws.com/allowed-roles is not a JSON list of strings:"
                  + " Unexpected character ']' at 1:9");
    }

    @Test
    void rejectsOverlongGlob() {
      NamespacePolicy ns = allowedRoles(BASE, "a".repeat(RoleMatcher.MAX_PATTERN_LENGTH + 1));

      assertThat(ns.problems())
          .singleElement()
          .asString()
          .contains("iam.amazonaws.com/allowed-roles is longer than 4096 characters");
    }
  }

  @Nested
  class BothAnnotations {

    @Test
    void permitTheUnionOfTheirRoles() {
      NamespacePolicy ns =
          NamespacePolicy.compile("ns", "reader", new AllowedRoles.Listed(List.of("writer")), BASE);

      assertThat(policy.decide(ns, ownRole("reader"))).isInstanceOf(Allowed.class);
      assertThat(policy.decide(ns, ownRole("writer"))).isInstanceOf(Allowed.class);
      assertThat(policy.decide(ns, ownRole("admin"))).isInstanceOf(Denied.class);
    }

    @Test
    void oneBrokenAnnotationLeavesTheOtherWorkingAndIsReported() {
      NamespacePolicy ns =
          NamespacePolicy.compile(
              "ns", "(unclosed", new AllowedRoles.Listed(List.of("writer")), BASE);

      assertThat(policy.decide(ns, ownRole("writer"))).isInstanceOf(Allowed.class);
      assertThat(policy.decide(ns, ownRole("reader")).explanation())
          .contains("iam.amazonaws.com/permitted '(unclosed' is not a valid regular expression");
    }

    @Test
    void reportsEveryProblem() {
      NamespacePolicy ns =
          NamespacePolicy.compile("ns", "(", new AllowedRoles.Malformed("not JSON"), BASE);

      assertThat(ns.problems()).hasSize(2);
      assertThat(policy.decide(ns, ownRole("reader")).explanation())
          .contains("iam.amazonaws.com/permitted '('")
          .contains("iam.amazonaws.com/allowed-roles is not a JSON list of strings: not JSON");
    }
  }

  @Nested
  class NamespaceRestrictions {

    @Test
    void unannotatedNamespacePermitsNothingWhenRestricted() {
      Decision decision = policy.decide(NamespacePolicy.unannotated("ns"), ownRole("reader"));

      assertThat(decision).isInstanceOf(Denied.class);
      assertThat(decision.explanation())
          .contains("namespace ns permits no role")
          .contains("iam.amazonaws.com/permitted")
          .contains("iam.amazonaws.com/allowed-roles");
    }

    @Test
    void namespaceCompiledWithoutAnnotationsIsUnannotated() {
      NamespacePolicy ns = NamespacePolicy.compile("ns", null, AllowedRoles.ABSENT, BASE);

      assertThat(ns.annotated()).isFalse();
      assertThat(ns.problems()).isEmpty();
      assertThat(policy.decide(ns, ownRole("reader"))).isInstanceOf(Denied.class);
      assertThat(new RolePolicy(false).decide(ns, ownRole("reader"))).isInstanceOf(Allowed.class);
    }

    @Test
    void unannotatedNamespacePermitsAnyRoleWhenRestrictionsAreOff() {
      RolePolicy open = new RolePolicy(false);

      Decision decision =
          open.decide(
              NamespacePolicy.unannotated("ns"), role("arn:aws:iam::210987654321:role/admin"));

      assertThat(decision).isInstanceOf(Allowed.class);
      assertThat(decision.explanation()).contains("namespace restrictions are off");
    }

    @Test
    void annotatedNamespaceIsEnforcedEvenWhenRestrictionsAreOff() {
      RolePolicy open = new RolePolicy(false);
      NamespacePolicy ns = permitted("reader", BASE);

      assertThat(open.decide(ns, ownRole("reader"))).isInstanceOf(Allowed.class);
      assertThat(open.decide(ns, ownRole("admin"))).isInstanceOf(Denied.class);
    }

    @Test
    void brokenAnnotationIsEnforcedEvenWhenRestrictionsAreOff() {
      RolePolicy open = new RolePolicy(false);

      assertThat(open.decide(permitted("(", BASE), ownRole("reader"))).isInstanceOf(Denied.class);
      assertThat(
              open.decide(
                  NamespacePolicy.compile("ns", null, new AllowedRoles.Malformed("x"), BASE),
                  ownRole("reader")))
          .isInstanceOf(Denied.class);
    }
  }
}
