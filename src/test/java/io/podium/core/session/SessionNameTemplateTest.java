package io.podium.core.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podium.core.pod.PodIdentity;
import io.podium.testing.TestPods;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SessionNameTemplateTest {

  private final PodIdentity pod =
      TestPods.running("payments", "api-7f9c")
          .withUid("0b5e8f2a-1111-2222-3333-444455556666")
          .withServiceAccount("api-sa")
          .onNode("ip-10-0-1-2.ec2.internal")
          .build();

  @Test
  void defaultsToTheNamespaceThenAnAtSignThenThePod() {
    assertThat(SessionNameTemplate.parse(SessionNameTemplate.DEFAULT).render(pod))
        .isEqualTo("payments@api-7f9c");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {namespace}@{pod}              | true
          {namespace}.{serviceaccount}   | true
          {namespace}_{pod}_{uid}        | true
          {namespace}=x                  | true
          {namespace}-{pod}              | false
          {namespace}{pod}               | false
          {namespace}                    | false
          k8s@{namespace}@{pod}          | false
          {pod}@{namespace}              | false
          """)
  void isNamespacePrefixedOnlyWhenTheNamespaceComesFirstFollowedByASeparator(
      String template, boolean prefixed) {
    assertThat(SessionNameTemplate.parse(template).namespacePrefixed()).isEqualTo(prefixed);
  }

  @Test
  void namespacesThatShareAPrefixGetPrefixesThatDoNot() {
    SessionNameTemplate template = SessionNameTemplate.parse(SessionNameTemplate.DEFAULT);

    String shop = template.render(TestPods.running("shop", "web").build());
    String evil = template.render(TestPods.running("shop-evil", "web").build());

    assertThat(shop).isEqualTo("shop@web");
    assertThat(evil).isEqualTo("shop-evil@web").doesNotStartWith("shop@");
  }

  @Test
  void keepsTheWholeNamespacePrefixWhenTruncating() {
    String namespace = "n".repeat(60);
    PodIdentity longNamed = TestPods.running(namespace, "w".repeat(200)).build();

    String name = SessionNameTemplate.parse(SessionNameTemplate.DEFAULT).render(longNamed);

    assertThat(name).hasSize(64).startsWith(namespace + "@");
  }

  @Test
  void aNamespaceOfTheLongestLegalLengthIsItsWholeSessionName() {
    String namespace = "n".repeat(63);

    String name =
        SessionNameTemplate.parse(SessionNameTemplate.DEFAULT)
            .render(TestPods.running(namespace, "web").build());

    assertThat(name).isEqualTo(namespace + "@");
  }

  @Test
  void keepsAChosenNameInsideTheNamespacePrefix() {
    SessionNameTemplate template = SessionNameTemplate.parse(SessionNameTemplate.DEFAULT);

    assertThat(template.renderWithin(TestPods.running("dev", "x").build(), "shop@payments"))
        .isEqualTo("dev@shop@payments");
  }

  @Test
  void neverLetsAPodsFileNamespaceCarryTheSeparator() {
    SessionNameTemplate template = SessionNameTemplate.parse(SessionNameTemplate.DEFAULT);

    assertThat(template.render(TestPods.running("shop@x", "web").build())).isEqualTo("shop-x@web");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {namespace}                     | payments
          {pod}                           | api-7f9c
          {serviceaccount}                | api-sa
          {node}                          | ip-10-0-1-2.ec2.internal
          {uid}                           | 0b5e8f2a-1111-2222-3333-444455556666
          k8s.{namespace}.{serviceaccount} | k8s.payments.api-sa
          static                          | static
          {pod}{pod}                      | api-7f9capi-7f9c
          """)
  void replacesEveryPlaceholder(String template, String expected) {
    assertThat(SessionNameTemplate.parse(template).render(pod)).isEqualTo(expected);
  }

  @Test
  void sanitisesTheRenderedName() {
    assertThat(SessionNameTemplate.parse("{namespace}/{pod}:x}").render(pod))
        .isEqualTo("payments-api-7f9c-x-");
  }

  @Test
  void rendersUnscheduledPodsNodeAsEmpty() {
    PodIdentity unscheduled = TestPods.pending("ns", "web").onNode(null).build();

    assertThat(SessionNameTemplate.parse("{pod}@{node}").render(unscheduled)).isEqualTo("web@");
  }

  @Test
  void truncatesLongRenderedNames() {
    PodIdentity longNamed = TestPods.running("ns", "w".repeat(200)).build();

    assertThat(SessionNameTemplate.parse("{namespace}-{pod}").render(longNamed))
        .hasSize(64)
        .startsWith("ns-www");
  }

  @ParameterizedTest
  @ValueSource(strings = {"{pods}", "{Namespace}", "{}", "{namespace}-{ip}", "{{pod}}"})
  void rejectsUnknownPlaceholderNamingIt(String template) {
    assertThatThrownBy(() -> SessionNameTemplate.parse(template))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("uses unknown placeholder")
        .hasMessageContaining("known: {namespace} {pod} {serviceaccount} {node} {uid}");
  }

  @Test
  void namesTheUnknownPlaceholder() {
    assertThatThrownBy(() -> SessionNameTemplate.parse("{namespace}-{ip}"))
        .hasMessageContaining("unknown placeholder {ip}");
  }

  @Test
  void rejectsUnclosedBrace() {
    assertThatThrownBy(() -> SessionNameTemplate.parse("{namespace}-{pod"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has an unclosed '{'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  "})
  void rejectsEmptyTemplate(String template) {
    assertThatThrownBy(() -> SessionNameTemplate.parse(template))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("session name template is empty");
  }

  @Test
  void printsAsTheTemplateItWasParsedFrom() {
    assertThat(SessionNameTemplate.parse("k8s-{pod}")).hasToString("k8s-{pod}");
  }
}
