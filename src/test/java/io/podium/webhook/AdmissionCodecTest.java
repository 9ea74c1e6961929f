package io.podium.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** AdmissionReviews in, answers out: both API versions, and the requests that are not for us. */
class AdmissionCodecTest {

  private final AdmissionCodec codec = new AdmissionCodec(new KubernetesSerialization());

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static Mutation mutated() {
    return new Mutation(
        Outcome.MUTATED,
        List.of(PatchOperation.add("/spec/containers/0/env", List.of(WebhookPods.env("A", "b")))),
        List.of("podium: a warning"),
        "mutated",
        Optional.empty());
  }

  @Test
  void readsAPodCreationOfEitherVersionAndAnswersInTheSameVersion() {
    for (String version : List.of("admission.k8s.io/v1", "admission.k8s.io/v1beta1")) {
      AdmissionCodec.Admission admission =
          codec.read(bytes(AdmissionReviews.create(version, "shop", AdmissionReviews.pod("web"))));

      assertThat(admission.apiVersion()).isEqualTo(version);
      assertThat(admission.uid()).isEqualTo(AdmissionReviews.UID);
      assertThat(admission.namespace()).isEqualTo("shop");
      assertThat(admission.pod()).isPresent();
      assertThat(PodMutation.serviceAccountName(admission.pod().get())).isEqualTo("web");

      JsonNode answer =
          Patches.tree(new String(codec.answer(admission, mutated()), StandardCharsets.UTF_8));
      assertThat(answer.get("apiVersion").stringValue()).isEqualTo(version);
      assertThat(answer.get("kind").stringValue()).isEqualTo("AdmissionReview");
      assertThat(answer.at("/response/uid").stringValue()).isEqualTo(AdmissionReviews.UID);
      assertThat(answer.at("/response/allowed").booleanValue()).isTrue();
      assertThat(answer.at("/response/patchType").stringValue()).isEqualTo("JSONPatch");
      assertThat(answer.at("/response/warnings/0").stringValue()).isEqualTo("podium: a warning");
      String patch =
          new String(
              Base64.getDecoder().decode(answer.at("/response/patch").stringValue()),
              StandardCharsets.UTF_8);
      assertThat(patch)
          .isEqualTo(
              "[{\"op\":\"add\",\"path\":\"/spec/containers/0/env\",\"value\":[{\"name\":\"A\",\"value\":\"b\"}]}]");
    }
  }

  @Test
  void answersWithoutPatchOrPatchTypeWhenNothingChanges() {
    AdmissionCodec.Admission admission =
        codec.read(
            bytes(AdmissionReviews.create(AdmissionCodec.V1, "shop", AdmissionReviews.pod("web"))));

    JsonNode answer =
        Patches.tree(
            new String(
                codec.answer(admission, Mutation.nothing(Outcome.NO_ROLE, "no role")),
                StandardCharsets.UTF_8));

    assertThat(answer.at("/response/allowed").booleanValue()).isTrue();
    assertThat(answer.at("/response").has("patch")).isFalse();
    assertThat(answer.at("/response").has("patchType")).isFalse();
  }

  @Test
  void refusesABodyThatIsNotJson() {
    assertThatThrownBy(() -> codec.read(bytes("{\"apiVersion\": \"admission.k8s.io/v1\", ")))
        .isInstanceOf(BadAdmissionException.class)
        .hasMessageContaining("not an AdmissionReview in JSON");
    assertThatThrownBy(() -> codec.read(bytes(""))).isInstanceOf(BadAdmissionException.class);
  }

  @Test
  void refusesAnotherKindOrVersionNamingWhatCame() {
    String pod = AdmissionReviews.pod("web");

    assertThatThrownBy(() -> codec.read(bytes(pod)))
        .isInstanceOf(BadAdmissionException.class)
        .hasMessageContaining("got kind 'Pod' of apiVersion 'v1'");
    assertThatThrownBy(
            () -> codec.read(bytes(AdmissionReviews.create("admission.k8s.io/v2", "shop", pod))))
        .isInstanceOf(BadAdmissionException.class)
        .hasMessageContaining("admission.k8s.io/v2");
  }

  @Test
  void refusesAReviewWithoutRequestOrUid() {
    assertThatThrownBy(
            () ->
                codec.read(
                    bytes("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}")))
        .isInstanceOf(BadAdmissionException.class)
        .hasMessageContaining("no request");
    String withoutUid =
        AdmissionReviews.create(AdmissionCodec.V1, "shop", AdmissionReviews.pod("web"))
            .replace("\"uid\":\"" + AdmissionReviews.UID + "\",", "");
    assertThatThrownBy(() -> codec.read(bytes(withoutUid)))
        .isInstanceOf(BadAdmissionException.class)
        .hasMessageContaining("no uid");
  }

  @Test
  void refusesAPodObjectOfTheWrongShape() {
    String broken =
        AdmissionReviews.create(
            AdmissionCodec.V1, "shop", "{\"spec\":{\"containers\":\"not a list\"}}");

    assertThatThrownBy(() -> codec.read(bytes(broken)))
        .isInstanceOf(BadAdmissionException.class)
        .hasMessageContaining("not a Pod");
  }

  @Test
  void letsOtherKindsOperationsAndSubresourcesThroughUntouched() {
    String pod = AdmissionReviews.pod("web");
    String deployment =
        AdmissionReviews.create(AdmissionCodec.V1, "shop", pod)
            .replace("\"kind\":\"Pod\"}", "\"kind\":\"Deployment\"}")
            .replace(
                "\"group\":\"\",\"version\":\"v1\",\"kind\"",
                "\"group\":\"apps\",\"version\":\"v1\",\"kind\"");
    String update =
        AdmissionReviews.create(AdmissionCodec.V1, "shop", pod).replace("\"CREATE\"", "\"UPDATE\"");

    assertThat(codec.read(bytes(deployment)).pod()).isEmpty();
    assertThat(codec.read(bytes(deployment)).ignored()).contains("Deployment");
    assertThat(codec.read(bytes(update)).pod()).isEmpty();
    assertThat(codec.read(bytes(update)).ignored()).contains("UPDATE");
  }

  @Test
  void cutsVeryLongWarnings() {
    AdmissionCodec.Admission admission =
        codec.read(
            bytes(AdmissionReviews.create(AdmissionCodec.V1, "shop", AdmissionReviews.pod("web"))));
    Mutation longWarning =
        Mutation.warned(Outcome.ROLE_DENIED, "denied", List.of("x".repeat(5000)));

    JsonNode answer =
        Patches.tree(new String(codec.answer(admission, longWarning), StandardCharsets.UTF_8));

    assertThat(answer.at("/response/warnings/0").stringValue()).hasSize(AdmissionCodec.MAX_WARNING);
  }
}
