package io.podium.core.role;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.core.RoleDecider;
import io.podium.core.RoleOutcome;
import io.podium.core.session.SessionRequestFactory;
import io.podium.testing.TestPods;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Role paths are legal ({@code team/reader}), but a pod owner chooses the annotation: dot segments
 * are refused outright, and a namespace rule's wildcard never stands for the top of a path the rule
 * does not write out.
 */
class RolePathTest {

  private static final String ACCOUNT = "arn:aws:iam::123456789012:role/";
  private static final Optional<RoleBaseArn> BASE = Optional.of(RoleBaseArn.parse(ACCOUNT));
  private static final Optional<RoleBaseArn> K8S_BASE =
      Optional.of(RoleBaseArn.parse(ACCOUNT + "k8s/"));

  private final RoleResolver resolver = new RoleResolver(BASE, Optional.empty());
  private final RoleDecider decider =
      new RoleDecider(resolver, new RolePolicy(true), SessionRequestFactory.withDefaults());

  private static boolean permits(NamespacePolicy policy, String arn) {
    return policy.permittingRule(RoleArn.parse(arn)).isPresent();
  }

  private static NamespacePolicy permitted(String regex, Optional<RoleBaseArn> base) {
    return NamespacePolicy.compile("shop", regex, AllowedRoles.ABSENT, base);
  }

  private static NamespacePolicy allowed(Optional<RoleBaseArn> base, String... globs) {
    return NamespacePolicy.compile("shop", null, new AllowedRoles.Listed(List.of(globs)), base);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "team/../prod-admin",
        "team/./reader",
        "./reader",
        "..",
        "team/..",
        "team/.",
        "../../prod-admin",
        "team//reader"
      })
  void refusesDotAndEmptySegmentsInRoleAnnotations(String annotated) {
    assertThat(resolver.resolveValue(annotated, RoleSource.POD_ANNOTATION))
        .isInstanceOf(RoleResolution.Invalid.class);
  }

  @Test
  void refusesDotSegmentsInFullArnsToo() {
    assertThat(resolver.resolveValue(ACCOUNT + "team/../prod-admin", RoleSource.POD_ANNOTATION))
        .isInstanceOfSatisfying(
            RoleResolution.Invalid.class,
            invalid -> assertThat(invalid.reason()).contains("'.' or '..' segment"));
  }

  @Test
  void aPodCannotClimbOutOfAGlobbedPathWithDotSegments() {
    NamespacePolicy teamOnly = allowed(BASE, "team/*");

    RoleOutcome outcome =
        decider.decide(
            TestPods.running("shop", "web").withRole("team/../prod-admin").build(), teamOnly);

    assertThat(outcome)
        .isInstanceOfSatisfying(
            RoleOutcome.Refused.class,
            refused ->
                assertThat(refused.kind()).isEqualTo(RoleOutcome.Refusal.INVALID_ANNOTATION));
  }

  @Test
  void aNameRegexNeverPermitsARoleUnderAPathItDoesNotWriteOut() {
    NamespacePolicy dev = permitted("dev-.*", BASE);

    assertThat(permits(dev, ACCOUNT + "dev-reader")).isTrue();
    assertThat(permits(dev, ACCOUNT + "dev-x/prod-admin")).isFalse();
    assertThat(permits(dev, ACCOUNT + "dev-/prod-admin")).isFalse();
  }

  @Test
  void aNameGlobNeverPermitsARoleUnderAPathItDoesNotWriteOut() {
    NamespacePolicy dev = allowed(BASE, "dev-*");

    assertThat(permits(dev, ACCOUNT + "dev-reader")).isTrue();
    assertThat(permits(dev, ACCOUNT + "dev-x/prod-admin")).isFalse();
  }

  @Test
  void anArnRegexNeverPermitsARoleUnderAPathItDoesNotWriteOut() {
    NamespacePolicy dev = permitted(ACCOUNT + "dev-.*", BASE);

    assertThat(permits(dev, ACCOUNT + "dev-reader")).isTrue();
    assertThat(permits(dev, ACCOUNT + "dev-x/prod-admin")).isFalse();
  }

  @Test
  void aWrittenPathPermitsItsRolesAndThoseBelowIt() {
    NamespacePolicy team = permitted("team/.*", BASE);
    NamespacePolicy teamGlob = allowed(BASE, "team/*");

    for (NamespacePolicy policy : List.of(team, teamGlob)) {
      assertThat(permits(policy, ACCOUNT + "team/reader")).isTrue();
      assertThat(permits(policy, ACCOUNT + "team/data/reader")).isTrue();
      assertThat(permits(policy, ACCOUNT + "other/reader")).isFalse();
    }
  }

  @Test
  void aPathCountsOnlyWhereASegmentCanStartInTheRule() {
    // "m/" occurs inside "team/": a pod choosing the path m/ is not written out.
    NamespacePolicy policy = permitted(".*-ro|team/x", BASE);

    assertThat(permits(policy, ACCOUNT + "prod-ro")).isTrue();
    assertThat(permits(policy, ACCOUNT + "m/prod-ro")).isFalse();
    assertThat(permits(policy, ACCOUNT + "am/prod-ro")).isFalse();
  }

  @Test
  void aPathMayBeWrittenEscapedOrQuoted() {
    assertThat(permits(permitted("team\\/.*", BASE), ACCOUNT + "team/reader")).isTrue();
    assertThat(permits(permitted("team\\.a/.*", BASE), ACCOUNT + "team.a/reader")).isTrue();
    assertThat(permits(permitted("\\Qteam.a\\E/.*", BASE), ACCOUNT + "team.a/reader")).isTrue();
  }

  @Test
  void pathsAreCountedBelowTheBasePath() {
    NamespacePolicy any = permitted(".*", K8S_BASE);
    NamespacePolicy team = permitted("team/.*", K8S_BASE);

    assertThat(permits(any, ACCOUNT + "k8s/reader")).isTrue();
    assertThat(permits(any, ACCOUNT + "k8s/team/admin")).isFalse();
    assertThat(permits(team, ACCOUNT + "k8s/team/admin")).isTrue();
  }

  @Test
  void rolesOfAnotherAccountNeedTheirPathWrittenToo() {
    NamespacePolicy shared = permitted("arn:aws:iam::210987654321:role/.*", BASE);
    NamespacePolicy sharedOps = permitted("arn:aws:iam::210987654321:role/ops/.*", BASE);

    assertThat(permits(shared, "arn:aws:iam::210987654321:role/reader")).isTrue();
    assertThat(permits(shared, "arn:aws:iam::210987654321:role/ops/admin")).isFalse();
    assertThat(permits(sharedOps, "arn:aws:iam::210987654321:role/ops/admin")).isTrue();
  }
}
