package io.podium.core.role;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podium.core.pod.PodIdentity;
import io.podium.core.role.RoleResolution.Invalid;
import io.podium.core.role.RoleResolution.NoRole;
import io.podium.core.role.RoleResolution.Resolved;
import io.podium.testing.TestPods;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RoleResolverTest {

  private static final RoleBaseArn BASE = RoleBaseArn.parse("arn:aws:iam::123456789012:role/");

  private final RoleResolver resolver = new RoleResolver(Optional.of(BASE), Optional.empty());

  @Test
  void resolvesRoleNameAgainstBaseArn() {
    RoleResolution resolution =
        resolver.resolve(TestPods.running("ns", "web").withRole("reader").build());

    assertThat(resolution)
        .isEqualTo(
            new Resolved(
                RoleArn.parse("arn:aws:iam::123456789012:role/reader"), RoleSource.POD_ANNOTATION));
  }

  @ParameterizedTest
  @ValueSource(strings = {"team/reader", "/team/reader"})
  void resolvesRoleNameWithPath(String annotation) {
    RoleResolution resolution =
        resolver.resolve(TestPods.running("ns", "web").withRole(annotation).build());

    assertThat(resolution)
        .isEqualTo(
            new Resolved(
                RoleArn.parse("arn:aws:iam::123456789012:role/team/reader"),
                RoleSource.POD_ANNOTATION));
  }

  @Test
  void resolvesNameBelowBasePath() {
    RoleResolver teamResolver =
        new RoleResolver(
            Optional.of(RoleBaseArn.parse("arn:aws:iam::123456789012:role/team/")),
            Optional.empty());

    assertThat(teamResolver.resolve(TestPods.running("ns", "web").withRole("reader").build()))
        .isEqualTo(
            new Resolved(
                RoleArn.parse("arn:aws:iam::123456789012:role/team/reader"),
                RoleSource.POD_ANNOTATION));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "arn:aws:iam::210987654321:role/reader",
        "arn:aws-cn:iam::210987654321:role/reader",
        "arn:aws-us-gov:iam::210987654321:role/team/reader",
      })
  void takesFullArnInAnyPartitionAsIs(String arn) {
    assertThat(resolver.resolve(TestPods.running("ns", "web").withRole(arn).build()))
        .isEqualTo(new Resolved(RoleArn.parse(arn), RoleSource.POD_ANNOTATION));
  }

  @Test
  void takesFullArnWithoutAnyBaseConfigured() {
    RoleResolver noBase = new RoleResolver(Optional.empty(), Optional.empty());

    assertThat(
            noBase.resolve(
                TestPods.running("ns", "web")
                    .withRole("arn:aws:iam::210987654321:role/reader")
                    .build()))
        .isInstanceOf(Resolved.class);
  }

  @Test
  void ignoresSurroundingWhitespace() {
    assertThat(resolver.resolve(TestPods.running("ns", "web").withRole("  reader\n").build()))
        .isEqualTo(
            new Resolved(
                RoleArn.parse("arn:aws:iam::123456789012:role/reader"), RoleSource.POD_ANNOTATION));
  }

  @Test
  void rejectsBareNameWhenNoBaseArnIsConfigured() {
    RoleResolver noBase = new RoleResolver(Optional.empty(), Optional.empty());

    RoleResolution resolution =
        noBase.resolve(TestPods.running("ns", "web").withRole("reader").build());

    assertThat(resolution).isInstanceOf(Invalid.class);
    Invalid invalid = (Invalid) resolution;
    assertThat(invalid.source()).isEqualTo(RoleSource.POD_ANNOTATION);
    assertThat(invalid.reason())
        .contains("'reader' is a name")
        .contains("no --role-base-arn is configured");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "read er",
        "reader/",
        "arn:aws:iam::123456789012:user/alice",
        "arn:aws:iam::123:role/reader",
        "arn:aws-iso:iam::123456789012:role/reader",
      })
  void rejectsMalformedAnnotationWithReason(String annotation) {
    RoleResolution resolution =
        resolver.resolve(TestPods.running("ns", "web").withRole(annotation).build());

    assertThat(resolution)
        .isInstanceOfSatisfying(
            Invalid.class,
            invalid -> {
              assertThat(invalid.reason()).isNotBlank();
              assertThat(invalid.source()).isEqualTo(RoleSource.POD_ANNOTATION);
            });
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   "})
  void rejectsEmptyRoleAnnotation(String annotation) {
    assertThat(resolver.resolve(TestPods.running("ns", "web").withRole(annotation).build()))
        .isEqualTo(new Invalid("the role annotation is empty", RoleSource.POD_ANNOTATION));
  }

  @Test
  void podAnnotationWinsOverServiceAccountRole() {
    PodIdentity pod =
        TestPods.running("ns", "web")
            .withRole("reader")
            .withServiceAccountRole("arn:aws:iam::123456789012:role/writer")
            .build();

    assertThat(resolver.resolve(pod))
        .isEqualTo(
            new Resolved(
                RoleArn.parse("arn:aws:iam::123456789012:role/reader"), RoleSource.POD_ANNOTATION));
  }

  @Test
  void malformedPodAnnotationDoesNotFallBackToServiceAccountRole() {
    PodIdentity pod =
        TestPods.running("ns", "web")
            .withRole("not a role")
            .withServiceAccountRole("arn:aws:iam::123456789012:role/writer")
            .build();

    assertThat(resolver.resolve(pod)).isInstanceOf(Invalid.class);
  }

  @Test
  void serviceAccountRoleWinsOverDefaultRole() {
    RoleResolver withDefault = new RoleResolver(Optional.of(BASE), Optional.of("fallback"));
    PodIdentity pod =
        TestPods.running("ns", "web")
            .withServiceAccountRole("arn:aws:iam::123456789012:role/writer")
            .build();

    assertThat(withDefault.resolve(pod))
        .isEqualTo(
            new Resolved(
                RoleArn.parse("arn:aws:iam::123456789012:role/writer"),
                RoleSource.SERVICE_ACCOUNT));
  }

  @Test
  void reportsMalformedServiceAccountRoleAsComingFromTheServiceAccount() {
    PodIdentity pod =
        TestPods.running("ns", "web")
            .withServiceAccountRole("arn:aws:iam::123456789012:user/alice")
            .build();

    assertThat(resolver.resolve(pod))
        .isInstanceOfSatisfying(
            Invalid.class,
            invalid -> assertThat(invalid.source()).isEqualTo(RoleSource.SERVICE_ACCOUNT));
  }

  @Test
  void givesDefaultRoleToPodsThatAskForNothing() {
    RoleResolver withDefault = new RoleResolver(Optional.of(BASE), Optional.of("fallback"));

    assertThat(withDefault.resolve(TestPods.running("ns", "web").build()))
        .isEqualTo(
            new Resolved(
                RoleArn.parse("arn:aws:iam::123456789012:role/fallback"), RoleSource.DEFAULT_ROLE));
  }

  @Test
  void acceptsDefaultRoleAsFullArn() {
    RoleResolver withDefault =
        new RoleResolver(
            Optional.empty(), Optional.of(" arn:aws-cn:iam::123456789012:role/fallback "));

    assertThat(withDefault.resolve(TestPods.running("ns", "web").build()))
        .isEqualTo(
            new Resolved(
                RoleArn.parse("arn:aws-cn:iam::123456789012:role/fallback"),
                RoleSource.DEFAULT_ROLE));
  }

  @Test
  void givesNoRoleWhenNothingAsksAndNoDefaultIsConfigured() {
    assertThat(resolver.resolve(TestPods.running("ns", "web").build()))
        .isInstanceOf(NoRole.class)
        .isSameAs(RoleResolution.NO_ROLE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  "})
  void treatsBlankDefaultRoleAsNotConfigured(String blank) {
    RoleResolver blankDefault = new RoleResolver(Optional.of(BASE), Optional.of(blank));

    assertThat(blankDefault.resolve(TestPods.running("ns", "web").build()))
        .isSameAs(RoleResolution.NO_ROLE);
  }

  @Test
  void refusesToStartWithMalformedDefaultRole() {
    assertThatThrownBy(() -> new RoleResolver(Optional.of(BASE), Optional.of("bad role")))
        .isInstanceOf(MalformedRoleException.class)
        .hasMessageStartingWith("--default-role: ")
        .hasMessageContaining("'bad role' is invalid");
  }

  @Test
  void refusesToStartWithDefaultRoleNameButNoBase() {
    assertThatThrownBy(() -> new RoleResolver(Optional.empty(), Optional.of("fallback")))
        .isInstanceOf(MalformedRoleException.class)
        .hasMessageContaining("--role-base-arn");
  }

  @Test
  void exposesItsBaseForThePolicy() {
    assertThat(resolver.baseArn()).contains(BASE);
  }
}
