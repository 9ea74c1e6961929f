package io.podium.core.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podium.testing.TestPods;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PodIdentityTest {

  @Test
  void keepsEveryAddressOfDualStackPod() {
    PodIdentity pod = TestPods.running("ns", "web").withIp("10.0.0.5").withIp("fd00::5").build();

    assertThat(pod.ips()).containsExactly(TestPods.ip("10.0.0.5"), TestPods.ip("fd00::5"));
    assertThat(pod.hasIp(TestPods.ip("10.0.0.5"))).isTrue();
    assertThat(pod.hasIp(TestPods.ip("fd00::5"))).isTrue();
    assertThat(pod.hasIp(TestPods.ip("10.0.0.6"))).isFalse();
  }

  @Test
  void copiesItsAddressList() {
    List<InetAddress> ips = new ArrayList<>(List.of(TestPods.ip("10.0.0.5")));
    PodIdentity pod =
        new PodIdentity(
            "uid",
            "ns",
            "web",
            "sa",
            "node",
            ips,
            PodPhase.RUNNING,
            null,
            false,
            null,
            null,
            List.of());

    ips.add(TestPods.ip("10.0.0.6"));

    assertThat(pod.ips()).containsExactly(TestPods.ip("10.0.0.5"));
    assertThatThrownBy(() -> pod.ips().add(TestPods.ip("10.0.0.7")))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void fillsDefaultsForMissingFields() {
    PodIdentity pod =
        new PodIdentity(
            "uid", "ns", "web", null, null, List.of(), null, null, false, null, null, List.of());

    assertThat(pod.serviceAccount()).isEqualTo("default");
    assertThat(pod.phase()).isEqualTo(PodPhase.UNKNOWN);
    assertThat(pod.annotations()).isEqualTo(PodAnnotations.NONE);
    assertThat(
            new PodIdentity(
                    "uid", "ns", "web", "", null, List.of(), null, null, false, null, null,
                    List.of())
                .serviceAccount())
        .isEqualTo("default");
  }

  @Test
  void requiresUidNamespaceAndName() {
    assertThatThrownBy(
            () ->
                new PodIdentity(
                    null, "ns", "web", null, null, List.of(), null, null, false, null, null,
                    List.of()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("uid");
    assertThatThrownBy(
            () ->
                new PodIdentity(
                    "uid", null, "web", null, null, List.of(), null, null, false, null, null,
                    List.of()))
        .hasMessage("namespace");
    assertThatThrownBy(
            () ->
                new PodIdentity(
                    "uid", "ns", null, null, null, List.of(), null, null, false, null, null,
                    List.of()))
        .hasMessage("name");
  }

  @Test
  void printsOnlyItsNameAndUid() {
    PodIdentity pod =
        TestPods.running("ns", "web")
            .withUid("1234")
            .withIp("10.0.0.5")
            .withExternalId("very-secret-external-id")
            .build();

    assertThat(pod).hasToString("Pod[ns/web, uid=1234]");
    assertThat(pod.qualifiedName()).isEqualTo("ns/web");
  }

  @Test
  void podsDifferingOnlyInUidAreDifferentPods() {
    TestPods.Builder web = TestPods.running("ns", "web").withIp("10.0.0.5");

    assertThat(web.build()).isEqualTo(web.build());
    assertThat(web.withUid("new").build()).isNotEqualTo(web.build());
  }

  @Test
  void replacesServiceAccountRoleAndNothingElse() {
    PodIdentity pod = TestPods.running("ns", "web").withIp("10.0.0.5").withRole("reader").build();

    PodIdentity updated = pod.withServiceAccountRoleArn("arn:aws:iam::123456789012:role/sa");

    assertThat(updated.serviceAccountRoleArn()).isEqualTo("arn:aws:iam::123456789012:role/sa");
    assertThat(updated.withServiceAccountRoleArn(null)).isEqualTo(pod);
  }

  @Test
  void picksOnlyTheAnnotationsThatMatter() {
    PodAnnotations annotations =
        PodAnnotations.from(
            Map.of(
                "iam.amazonaws.com/role", "reader",
                "iam.amazonaws.com/external-id", "ext-1",
                "iam.amazonaws.com/session-name", "my-session",
                "kubectl.kubernetes.io/last-applied-configuration", "{ huge }"));

    assertThat(annotations).isEqualTo(new PodAnnotations("reader", "ext-1", "my-session"));
  }

  @Test
  void sharesOneInstanceForPodsWithoutPodiumAnnotations() {
    assertThat(PodAnnotations.from(null)).isSameAs(PodAnnotations.NONE);
    assertThat(PodAnnotations.from(Map.of())).isSameAs(PodAnnotations.NONE);
    assertThat(PodAnnotations.from(Map.of("app", "web"))).isSameAs(PodAnnotations.NONE);
    assertThat(PodAnnotations.from(Map.of("iam.amazonaws.com/role", "reader")))
        .isEqualTo(new PodAnnotations("reader", null, null));
  }

  @ParameterizedTest
  @CsvSource({
    "Pending, PENDING",
    "Running, RUNNING",
    "Succeeded, SUCCEEDED",
    "Failed, FAILED",
    "Unknown, UNKNOWN",
    "running, UNKNOWN",
    "Terminating, UNKNOWN",
    "'', UNKNOWN",
  })
  void mapsTheApiPhaseSpelling(String api, PodPhase phase) {
    assertThat(PodPhase.fromApi(api)).isEqualTo(phase);
  }

  @Test
  void mapsMissingPhaseToUnknown() {
    assertThat(PodPhase.fromApi(null)).isEqualTo(PodPhase.UNKNOWN);
  }
}
