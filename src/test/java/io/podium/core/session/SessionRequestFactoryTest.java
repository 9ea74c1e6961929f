package io.podium.core.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.podium.core.pod.PodIdentity;
import io.podium.core.role.RoleArn;
import io.podium.testing.TestPods;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SessionRequestFactoryTest {

  private static final RoleArn READER = RoleArn.parse("arn:aws:iam::123456789012:role/reader");

  private final SessionRequestFactory defaults = SessionRequestFactory.withDefaults();
  private final TestPods.Builder web =
      TestPods.running("ns", "web")
          .withIp("10.0.0.5")
          .withUid("9d6c6a4e-0000-0000-0000-000000000001")
          .withServiceAccount("web-sa");

  private static SessionRequestFactory tagging(Set<SessionTag> tags, Optional<String> cluster) {
    return new SessionRequestFactory(
        SessionNameTemplate.parse(SessionNameTemplate.DEFAULT),
        SessionDurations.defaults(),
        tags,
        cluster,
        Optional.empty());
  }

  @Test
  void buildsDefaultRequestFromTheTemplate() {
    SessionRequest request = defaults.forPod(web.build(), READER);

    assertThat(request)
        .isEqualTo(new SessionRequest(READER, "ns@web", null, Duration.ofHours(1), Map.of(), null));
  }

  @Test
  void podsOfOneSessionShareOneRequestInstance() {
    SessionRequest first =
        defaults.forPod(
            TestPods.running("ns", "web").withIp("10.0.0.5").withServiceAccount("web-sa").build(),
            RoleArn.parse("arn:aws:iam::123456789012:role/reader"));
    SessionRequest second =
        defaults.forPod(
            TestPods.running("ns", "web").withIp("10.0.0.6").withServiceAccount("web-sa").build(),
            RoleArn.parse("arn:aws:iam::123456789012:role/reader"));

    assertThat(second).isSameAs(first);
  }

  @Test
  void podsOfDifferentSessionsKeepTheirOwnRequests() {
    SessionRequest reader = defaults.forPod(web.build(), READER);
    SessionRequest writer =
        defaults.forPod(web.build(), RoleArn.parse("arn:aws:iam::123456789012:role/writer"));
    SessionRequest named = defaults.forPod(web.withSessionName("batch-job").build(), READER, true);

    assertThat(writer).isNotEqualTo(reader);
    assertThat(writer.role()).isEqualTo(RoleArn.parse("arn:aws:iam::123456789012:role/writer"));
    assertThat(named).isNotEqualTo(reader);
    assertThat(named.sessionName()).isEqualTo("ns@batch-job");
    assertThat(reader.sessionName()).isEqualTo("ns@web");
  }

  @Test
  void ignoresTheSessionNameAnnotationUnlessTheNamespaceAllowsIt() {
    // A pod of namespace dev asking for another team's session name.
    PodIdentity pod = TestPods.running("dev", "x").withSessionName("shop-payments").build();

    assertThat(defaults.forPod(pod, READER).sessionName()).isEqualTo("dev@x");
    assertThat(defaults.forPod(pod, READER, false).sessionName()).isEqualTo("dev@x");
  }

  @Test
  void keepsAnAllowedSessionNameInsideTheNamespacePrefix() {
    PodIdentity pod = TestPods.running("dev", "x").withSessionName("shop@payments").build();

    assertThat(defaults.forPod(pod, READER, true).sessionName()).isEqualTo("dev@shop@payments");
  }

  @Test
  void aPodCannotTakeTheSessionOfAPodInAnotherNamespace() {
    SessionRequest shop =
        defaults.forPod(TestPods.running("shop", "payments").build(), READER, true);
    SessionRequest impostor =
        defaults.forPod(
            TestPods.running("dev", "x").withSessionName(shop.sessionName()).build(), READER, true);

    assertThat(impostor.sessionName()).isNotEqualTo(shop.sessionName()).startsWith("dev@");
    assertThat(impostor).isNotEqualTo(shop);
  }

  @Test
  void sanitisesTheSessionNameAnnotation() {
    SessionRequest request =
        defaults.forPod(web.withSessionName("  team/batch job  ").build(), READER, true);

    assertThat(request.sessionName()).isEqualTo("ns@team-batch-job");
  }

  @Test
  void truncatesLongSessionNameAnnotationKeepingThePrefix() {
    SessionRequest request =
        defaults.forPod(web.withSessionName("s".repeat(100)).build(), READER, true);

    assertThat(request.sessionName()).hasSize(64).startsWith("ns@sss");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   "})
  void blankSessionNameAnnotationFallsBackToTheTemplate(String blank) {
    assertThat(defaults.forPod(web.withSessionName(blank).build(), READER, true).sessionName())
        .isEqualTo("ns@web");
  }

  @Test
  void usesTheConfiguredTemplate() {
    SessionRequestFactory factory =
        new SessionRequestFactory(
            SessionNameTemplate.parse("{namespace}.{serviceaccount}.{uid}"),
            SessionDurations.defaults(),
            Set.of(),
            Optional.empty(),
            Optional.empty());

    assertThat(factory.forPod(web.build(), READER).sessionName())
        .isEqualTo("ns.web-sa.9d6c6a4e-0000-0000-0000-000000000001");
  }

  @Test
  void refusesATemplateThatDoesNotStartWithTheNamespacePrefix() {
    assertThatThrownBy(
            () ->
                new SessionRequestFactory(
                    SessionNameTemplate.parse("{namespace}-{pod}"),
                    SessionDurations.defaults(),
                    Set.of(),
                    Optional.empty(),
                    Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must start with {namespace} and one of @=,+_.")
        .hasMessageContaining("--unscoped-session-names");
  }

  @Test
  void unscopedNamesKeepTheOldBehaviourForMigrations() {
    SessionRequestFactory unscoped =
        new SessionRequestFactory(
            SessionNameTemplate.parse("{namespace}-{pod}"),
            SessionNameScope.UNSCOPED,
            SessionDurations.defaults(),
            Set.of(),
            Optional.empty(),
            Optional.empty());

    assertThat(unscoped.forPod(web.build(), READER).sessionName()).isEqualTo("ns-web");
    assertThat(unscoped.forPod(web.withSessionName("batch-job").build(), READER).sessionName())
        .isEqualTo("batch-job");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ab",
        "partner-42",
        "Az09_+=,.@:/-",
        "arn:aws:iam::123456789012:role/x",
      })
  void passesValidExternalIdThrough(String externalId) {
    assertThat(defaults.forPod(web.withExternalId(externalId).build(), READER).externalId())
        .isEqualTo(externalId);
  }

  @Test
  void acceptsExternalIdOfMaximumLength() {
    String externalId = "e".repeat(1224);

    assertThat(defaults.forPod(web.withExternalId(externalId).build(), READER).externalId())
        .isEqualTo(externalId);
  }

  @Test
  void stripsWhitespaceAroundExternalId() {
    assertThat(defaults.forPod(web.withExternalId(" partner-42\n").build(), READER).externalId())
        .isEqualTo("partner-42");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "x", "with space", "semi;colon", "quote\"", "ünïcode", "a#b"})
  void rejectsMalformedExternalId(String externalId) {
    PodIdentity pod = web.withExternalId(externalId).build();

    assertThatThrownBy(() -> defaults.forPod(pod, READER))
        .isInstanceOf(MalformedAnnotationException.class)
        .hasMessage(
            "iam.amazonaws.com/external-id must be 2 to 1224 characters of letters, digits and"
                + " +=,.@:/_-");
  }

  @Test
  void rejectsExternalIdLongerThanStsAllows() {
    PodIdentity pod = web.withExternalId("e".repeat(1225)).build();

    assertThatThrownBy(() -> defaults.forPod(pod, READER))
        .isInstanceOf(MalformedAnnotationException.class);
  }

  @Test
  void neverEchoesTheExternalIdInItsError() {
    PodIdentity pod = web.withExternalId("secret value").build();

    assertThatThrownBy(() -> defaults.forPod(pod, READER))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret value"));
  }

  @Test
  void addsNoTagsByDefault() {
    assertThat(defaults.forPod(web.build(), READER).tags()).isEmpty();
  }

  @Test
  void tagsSessionsLikeEksPodIdentity() {
    SessionRequestFactory factory =
        tagging(EnumSet.allOf(SessionTag.class), Optional.of("prod-eu"));

    SessionRequest request = factory.forPod(web.build(), READER);

    assertThat(request.tags())
        .containsExactly(
            entry("eks-cluster-name", "prod-eu"),
            entry("kubernetes-namespace", "ns"),
            entry("kubernetes-pod-name", "web"),
            entry("kubernetes-pod-uid", "9d6c6a4e-0000-0000-0000-000000000001"),
            entry("kubernetes-service-account", "web-sa"));
  }

  @Test
  void addsOnlyTheConfiguredTags() {
    SessionRequestFactory factory =
        tagging(EnumSet.of(SessionTag.NAMESPACE, SessionTag.SERVICE_ACCOUNT), Optional.empty());

    assertThat(factory.forPod(web.build(), READER).tags())
        .containsOnlyKeys("kubernetes-namespace", "kubernetes-service-account");
  }

  @Test
  void cleansTagValuesForSts() {
    SessionRequestFactory factory =
        tagging(EnumSet.of(SessionTag.CLUSTER), Optional.of("prod#1 (eu)"));

    assertThat(factory.forPod(web.build(), READER).tags())
        .containsExactly(entry("eks-cluster-name", "prod-1 -eu-"));
  }

  @Test
  void truncatesTagValuesToStsLimit() {
    SessionRequestFactory factory =
        tagging(EnumSet.of(SessionTag.CLUSTER), Optional.of("c".repeat(300)));

    assertThat(factory.forPod(web.build(), READER).tags().get("eks-cluster-name")).hasSize(256);
  }

  @Test
  void refusesClusterTagWithoutClusterName() {
    assertThatThrownBy(() -> tagging(EnumSet.of(SessionTag.CLUSTER), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--cluster-name");
  }

  @Test
  void setsSourceIdentityFromItsTemplate() {
    SessionRequestFactory factory =
        new SessionRequestFactory(
            SessionNameTemplate.parse(SessionNameTemplate.DEFAULT),
            SessionDurations.defaults(),
            Set.of(),
            Optional.empty(),
            Optional.of(SessionNameTemplate.parse("{namespace}/{serviceaccount}")));

    assertThat(factory.forPod(web.build(), READER).sourceIdentity()).isEqualTo("ns-web-sa");
    assertThat(defaults.forPod(web.build(), READER).sourceIdentity()).isNull();
  }

  @Test
  void asksForTheConfiguredDuration() {
    SessionRequestFactory factory =
        new SessionRequestFactory(
            SessionNameTemplate.parse(SessionNameTemplate.DEFAULT),
            new SessionDurations(Duration.ofMinutes(15), Duration.ofMinutes(5), false),
            Set.of(),
            Optional.empty(),
            Optional.empty());

    assertThat(factory.forPod(web.build(), READER).duration()).isEqualTo(Duration.ofMinutes(15));
    assertThat(factory.durations().minRemaining()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void podsWithEqualInputsShareOneRequest() {
    PodIdentity first = web.onNode("node-a").build();
    PodIdentity second =
        web.withUid("other-uid").withoutIp().withIp("10.0.0.9").onNode("node-b").build();

    assertThat(defaults.forPod(first, READER))
        .isEqualTo(defaults.forPod(second, READER))
        .hasSameHashCodeAs(defaults.forPod(second, READER));
  }

  @Test
  void podsDifferingInAnyInputGetDifferentRequests() {
    SessionRequest base = defaults.forPod(web.build(), READER);

    assertThat(defaults.forPod(web.withExternalId("partner-42").build(), READER))
        .isNotEqualTo(base);
    assertThat(defaults.forPod(web.withSessionName("other").build(), READER, true))
        .isNotEqualTo(base);
    assertThat(defaults.forPod(TestPods.running("ns", "api").build(), READER)).isNotEqualTo(base);
    assertThat(defaults.forPod(web.build(), RoleArn.parse("arn:aws:iam::123456789012:role/writer")))
        .isNotEqualTo(base);
  }

  @Test
  void taggingByPodUidMakesEveryPodItsOwnSession() {
    SessionRequestFactory factory = tagging(EnumSet.of(SessionTag.POD_UID), Optional.empty());

    assertThat(factory.forPod(web.build(), READER))
        .isNotEqualTo(factory.forPod(web.withUid("replacement").build(), READER));
  }
}
