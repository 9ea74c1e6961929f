package io.podium.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.podium.core.role.AllowedRoles;
import io.podium.core.role.Decision;
import io.podium.core.role.NamespacePolicy;
import io.podium.core.role.RoleArn;
import io.podium.core.role.RoleBaseArn;
import io.podium.core.role.RolePolicy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NamespaceProjectionTest {

  private static final Optional<RoleBaseArn> BASE =
      Optional.of(RoleBaseArn.parse("arn:aws:iam::123456789012:role/"));
  private static final RolePolicy POLICY = new RolePolicy(true);

  private static Namespace namespace(String name, Map<String, String> annotations) {
    return new NamespaceBuilder()
        .withNewMetadata()
        .withName(name)
        .withAnnotations(annotations)
        .endMetadata()
        .build();
  }

  private static Decision decide(NamespacePolicy policy, String roleName) {
    return POLICY.decide(policy, RoleArn.parse("arn:aws:iam::123456789012:role/" + roleName));
  }

  @Test
  void compilesThePermittedRegex() {
    NamespacePolicy policy =
        NamespaceProjection.project(
            namespace("dev", Map.of("iam.amazonaws.com/permitted", "dev-.*")), BASE);

    assertThat(policy.namespace()).isEqualTo("dev");
    assertThat(policy.annotated()).isTrue();
    assertThat(policy.problems()).isEmpty();
    assertThat(decide(policy, "dev-web")).isInstanceOf(Decision.Allowed.class);
    assertThat(decide(policy, "prod-web")).isInstanceOf(Decision.Denied.class);
  }

  @Test
  void compilesTheAllowedRolesList() {
    NamespacePolicy policy =
        NamespaceProjection.project(
            namespace("team", Map.of("iam.amazonaws.com/allowed-roles", "[\"team/*\", \"audit\"]")),
            BASE);

    assertThat(policy.problems()).isEmpty();
    assertThat(decide(policy, "team/reporter")).isInstanceOf(Decision.Allowed.class);
    assertThat(decide(policy, "audit")).isInstanceOf(Decision.Allowed.class);
    assertThat(decide(policy, "other")).isInstanceOf(Decision.Denied.class);
  }

  @Test
  void namespaceWithoutAnnotationsIsUnannotated() {
    NamespaceAnnotations annotations =
        NamespaceProjection.annotations(namespace("plain", Map.of()));

    assertThat(annotations).isEqualTo(NamespaceAnnotations.none("plain"));
    assertThat(annotations.compile(BASE).annotated()).isFalse();
  }

  @Test
  void readsBothAnnotationsTogether() {
    NamespaceAnnotations annotations =
        NamespaceProjection.annotations(
            namespace(
                "mixed",
                Map.of(
                    "iam.amazonaws.com/permitted", "dev-.*",
                    "iam.amazonaws.com/allowed-roles", "[\"audit\"]",
                    "unrelated", "x")));

    assertThat(annotations)
        .isEqualTo(
            new NamespaceAnnotations("mixed", "dev-.*", new AllowedRoles.Listed(List.of("audit"))));
  }

  @Test
  void readsWhetherTheNamespaceLetsItsPodsChooseTheirSessionNames() {
    NamespaceAnnotations open =
        NamespaceProjection.annotations(
            namespace("batch", Map.of("podium.io/allow-pod-session-names", "true")));
    NamespaceAnnotations closed =
        NamespaceProjection.annotations(
            namespace("web", Map.of("podium.io/allow-pod-session-names", "yes please")));

    assertThat(open.podSessionNames()).isTrue();
    assertThat(open.compile(BASE).podSessionNames()).isTrue();
    assertThat(open.compile(BASE).annotated()).isFalse();
    assertThat(closed.podSessionNames()).isFalse();
  }

  @Test
  void absentAllowedRolesAreAbsent() {
    assertThat(NamespaceProjection.allowedRoles(null)).isEqualTo(AllowedRoles.ABSENT);
  }

  @Test
  void parsesAnEmptyList() {
    assertThat(NamespaceProjection.allowedRoles("[]"))
        .isEqualTo(new AllowedRoles.Listed(List.of()));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "team/*                 | invalid JSON",
        "'[\"a\", '             | invalid JSON",
        "'[\"a\"] x'            | invalid JSON",
        "'{\"roles\": [\"a\"]}' | expected a list such as [\"reader\", \"team/*\"], got an object",
        "'\"team/*\"'           | expected a list such as [\"reader\", \"team/*\"], got a string",
        "'[\"a\", 3]'           | entry 2 is a number, not a string",
        "'[[\"a\"]]'            | entry 1 is a list, not a string",
        "'[\"a\", null]'        | entry 2 is null, not a string",
        "''                     | the value is empty",
      })
  void anythingButAJsonListOfStringsIsMalformedWithAReason(String value, String reason) {
    AllowedRoles parsed = NamespaceProjection.allowedRoles(value);

    assertThat(parsed).isInstanceOf(AllowedRoles.Malformed.class);
    assertThat(((AllowedRoles.Malformed) parsed).reason()).startsWith(reason);
  }

  @Test
  void malformedAllowedRolesPermitNothingAndExplainWhy() {
    NamespacePolicy policy =
        NamespaceProjection.project(
            namespace("team", Map.of("iam.amazonaws.com/allowed-roles", "team/*")), BASE);

    assertThat(policy.annotated()).isTrue();
    assertThat(policy.problems())
        .singleElement()
        .asString()
        .startsWith("iam.amazonaws.com/allowed-roles is not a JSON list of strings: invalid JSON");
    assertThat(decide(policy, "team/reporter")).isInstanceOf(Decision.Denied.class);
  }

  @Test
  void brokenRegexPermitsNothingAndExplainsWhy() {
    NamespacePolicy policy =
        NamespaceProjection.project(
            namespace("dev", Map.of("iam.amazonaws.com/permitted", "dev-(")), BASE);

    assertThat(policy.problems()).singleElement().asString().contains("dev-(");
    assertThat(decide(policy, "dev-web")).isInstanceOf(Decision.Denied.class);
  }

  @Test
  void rejectsANamespaceWithoutName() {
    assertThatThrownBy(() -> NamespaceProjection.annotations(new NamespaceBuilder().build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a Namespace has no metadata.name");
  }
}
