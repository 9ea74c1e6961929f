package io.podium.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.core.pod.PodAnnotations;
import io.podium.core.pod.PodIdentity;
import io.podium.core.pod.PodPhase;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestPodsTest {

  @Test
  void buildsRunningPodWithSensibleDefaults() {
    PodIdentity pod = TestPods.running("ns", "web").build();

    assertThat(pod.namespace()).isEqualTo("ns");
    assertThat(pod.name()).isEqualTo("web");
    assertThat(pod.phase()).isEqualTo(PodPhase.RUNNING);
    assertThat(pod.serviceAccount()).isEqualTo("default");
    assertThat(pod.nodeName()).isEqualTo(TestPods.DEFAULT_NODE);
    assertThat(pod.ips()).isEmpty();
    assertThat(pod.hostNetwork()).isFalse();
    assertThat(pod.deletionTimestamp()).isNull();
    assertThat(pod.annotations()).isEqualTo(PodAnnotations.NONE);
    assertThat(pod.serviceAccountRoleArn()).isNull();
    assertThat(pod.uid()).isNotBlank();
  }

  @Test
  void setsEveryField() {
    Instant deadline = Instant.parse("2025-06-01T12:00:30Z");

    PodIdentity pod =
        TestPods.pending("ns", "web")
            .withUid("u-1")
            .withIp("10.0.0.5")
            .withIp("fd00::5")
            .withRole("reader")
            .withExternalId("ext-1")
            .withSessionName("s-1")
            .withServiceAccount("sa")
            .withServiceAccountRole("arn:aws:iam::123456789012:role/sa")
            .onNode("node-9")
            .hostNetwork()
            .terminatingUntil(deadline)
            .build();

    assertThat(pod)
        .isEqualTo(
            new PodIdentity(
                "u-1",
                "ns",
                "web",
                "sa",
                "node-9",
                java.util.List.of(TestPods.ip("10.0.0.5"), TestPods.ip("fd00::5")),
                PodPhase.PENDING,
                deadline,
                true,
                new PodAnnotations("reader", "ext-1", "s-1"),
                "arn:aws:iam::123456789012:role/sa",
                List.of()));
  }

  @Test
  void buildersAreImmutableSoBaseFixturesCanBeShared() {
    TestPods.Builder base = TestPods.running("ns", "web").withIp("10.0.0.5");

    PodIdentity finished = base.succeeded().withRole("reader").build();
    PodIdentity original = base.build();

    assertThat(finished.phase()).isEqualTo(PodPhase.SUCCEEDED);
    assertThat(original.phase()).isEqualTo(PodPhase.RUNNING);
    assertThat(original.annotations().role()).isNull();
  }

  @Test
  void derivesStableUidsFromNamespaceAndName() {
    assertThat(TestPods.running("ns", "web").build().uid())
        .isEqualTo(TestPods.pending("ns", "web").build().uid())
        .isNotEqualTo(TestPods.running("ns", "api").build().uid())
        .isNotEqualTo(TestPods.running("other", "web").build().uid());
  }

  @Test
  void annotationSettersKeepEachOther() {
    PodAnnotations annotations =
        TestPods.running("ns", "web")
            .withSessionName("s")
            .withExternalId("e")
            .withRole("r")
            .build()
            .annotations();

    assertThat(annotations).isEqualTo(new PodAnnotations("r", "e", "s"));
  }
}
