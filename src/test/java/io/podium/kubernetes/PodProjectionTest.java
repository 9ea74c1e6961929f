package io.podium.kubernetes;

import static io.podium.testing.TestPods.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.podium.core.pod.PodAnnotations;
import io.podium.core.pod.PodIdentity;
import io.podium.core.pod.PodPhase;
import io.podium.testing.LogCapture;
import io.podium.testing.TestPods;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PodProjectionTest {

  private static final String ROLE_ARN = "arn:aws:iam::123456789012:role/from-account";

  @RegisterExtension final LogCapture logs = new LogCapture();

  private static PodBuilder running(String namespace, String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .withUid("uid-" + name)
        .endMetadata()
        .withNewSpec()
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .endStatus();
  }

  private static Pod terminatingWith(String... containerStates) {
    List<ContainerStatus> statuses = new ArrayList<>();
    for (int i = 0; i < containerStates.length; i++) {
      ContainerStateBuilder state = new ContainerStateBuilder();
      switch (containerStates[i]) {
        case "running" -> state.withNewRunning().endRunning();
        case "terminated" -> state.withNewTerminated().withExitCode(0).endTerminated();
        default -> state.withNewWaiting().endWaiting();
      }
      statuses.add(new ContainerStatusBuilder().withName("c" + i).withState(state.build()).build());
    }
    return running("shop", "web")
        .editMetadata()
        .withDeletionTimestamp("2026-01-01T12:00:30Z")
        .endMetadata()
        .editStatus()
        .addNewPodIP("10.1.2.3")
        .withContainerStatuses(statuses)
        .endStatus()
        .build();
  }

  @Test
  void aTerminatingPodWhoseContainersAllStoppedIsStoppedWhateverItsPhaseSays() {
    assertThat(PodProjection.project(terminatingWith("terminated", "terminated"), null).phase())
        .isEqualTo(PodPhase.STOPPED);
    assertThat(PodProjection.project(terminatingWith("terminated", "waiting"), null).phase())
        .isEqualTo(PodPhase.STOPPED);
  }

  @Test
  void aTerminatingPodWithAContainerStillRunningKeepsItsPhase() {
    // Its preStop hook, or its shutdown, may still need the role.
    assertThat(PodProjection.project(terminatingWith("terminated", "running"), null).phase())
        .isEqualTo(PodPhase.RUNNING);
    assertThat(PodProjection.project(terminatingWith(), null).phase()).isEqualTo(PodPhase.RUNNING);
  }

  @Test
  void aRunningSidecarKeepsATerminatingPodRunning() {
    Pod pod =
        new PodBuilder(terminatingWith("terminated"))
            .editStatus()
            .addNewInitContainerStatus()
            .withName("proxy")
            .withNewState()
            .withNewRunning()
            .endRunning()
            .endState()
            .endInitContainerStatus()
            .endStatus()
            .build();

    assertThat(PodProjection.project(pod, null).phase()).isEqualTo(PodPhase.RUNNING);
  }

  @Test
  void stoppedContainersOfAPodThatIsNotTerminatingMeanARestartNotAnEnd() {
    Pod restarting =
        new PodBuilder(terminatingWith("terminated"))
            .editMetadata()
            .withDeletionTimestamp(null)
            .endMetadata()
            .build();

    assertThat(PodProjection.project(restarting, null).phase()).isEqualTo(PodPhase.RUNNING);
  }

  @Test
  void projectsEveryFieldOfAPod() {
    Pod pod =
        running("shop", "web")
            .editMetadata()
            .withAnnotations(
                Map.of(
                    "iam.amazonaws.com/role", "reader",
                    "iam.amazonaws.com/external-id", "ext-1",
                    "iam.amazonaws.com/session-name", "web-session",
                    "unrelated", "ignored"))
            .endMetadata()
            .editSpec()
            .withServiceAccountName("shop-web")
            .withNodeName("node-7")
            .endSpec()
            .editStatus()
            .addNewPodIP("10.1.2.3")
            .endStatus()
            .build();

    PodIdentity identity = PodProjection.project(pod, ROLE_ARN);

    assertThat(identity)
        .isEqualTo(
            new PodIdentity(
                "uid-web",
                "shop",
                "web",
                "shop-web",
                "node-7",
                java.util.List.of(ip("10.1.2.3")),
                PodPhase.RUNNING,
                null,
                false,
                new PodAnnotations("reader", "ext-1", "web-session"),
                ROLE_ARN,
                List.of()));
  }

  @Test
  void keepsBothAddressesOfADualStackPodInOrder() {
    Pod pod =
        running("ns", "web")
            .editStatus()
            .withPodIP("10.1.2.3")
            .addNewPodIP("10.1.2.3")
            .addNewPodIP("fd00::1:2:3")
            .endStatus()
            .build();

    assertThat(PodProjection.project(pod, null).ips())
        .containsExactly(ip("10.1.2.3"), ip("fd00::1:2:3"));
  }

  @Test
  void fallsBackToPodIpWhenPodIpsIsEmpty() {
    Pod pod = running("ns", "web").editStatus().withPodIP("10.1.2.3").endStatus().build();

    assertThat(PodProjection.project(pod, null).ips()).containsExactly(ip("10.1.2.3"));
  }

  @Test
  void podWithoutAnyAddressHasNoIps() {
    Pod pod = running("ns", "web").editStatus().withPhase("Pending").endStatus().build();

    PodIdentity identity = PodProjection.project(pod, null);

    assertThat(identity.ips()).isEmpty();
    assertThat(identity.phase()).isEqualTo(PodPhase.PENDING);
  }

  @Test
  void skipsAndLogsAnAddressThatIsNotAnIpLiteralWithoutResolvingIt() {
    Pod pod =
        running("ns", "web")
            .editStatus()
            .addNewPodIP("localhost")
            .addNewPodIP("10.1.2.300")
            .addNewPodIP("10.1.2.3")
            .endStatus()
            .build();

    assertThat(PodProjection.project(pod, null).ips()).containsExactly(ip("10.1.2.3"));
    assertThat(logs.messagesFrom(PodProjection.class.getName()))
        .containsExactly(
            "pod ns/web has an address that is not an IP literal, skipped: 'localhost'",
            "pod ns/web has an address that is not an IP literal, skipped: '10.1.2.300'");
  }

  @Test
  void derivesAStableUidFromNamespaceAndNameWhenTheManifestHasNone() {
    Pod first = running("ns", "web").editMetadata().withUid(null).endMetadata().build();
    Pod again = running("ns", "web").editMetadata().withUid(null).endMetadata().build();
    Pod other = running("other", "web").editMetadata().withUid(null).endMetadata().build();

    String uid = PodProjection.project(first, null).uid();

    assertThat(uid).isEqualTo(PodProjection.project(again, null).uid());
    assertThat(uid).isNotEqualTo(PodProjection.project(other, null).uid());
    // The same derivation as the test fixtures, so a file pod equals its TestPods twin.
    assertThat(uid).isEqualTo(TestPods.running("ns", "web").build().uid());
  }

  @Test
  void defaultsNamespaceAndServiceAccountLikeTheApiServer() {
    Pod pod = new PodBuilder().withNewMetadata().withName("web").endMetadata().build();

    PodIdentity identity = PodProjection.project(pod, null);

    assertThat(identity.namespace()).isEqualTo("default");
    assertThat(identity.serviceAccount()).isEqualTo("default");
    assertThat(identity.phase()).isEqualTo(PodPhase.UNKNOWN);
    assertThat(identity.nodeName()).isNull();
    assertThat(identity.annotations()).isEqualTo(PodAnnotations.NONE);
  }

  @Test
  void readsTheDeprecatedServiceAccountFieldWhenTheNameIsMissing() {
    Pod pod = running("ns", "web").editSpec().withServiceAccount("legacy").endSpec().build();

    assertThat(PodProjection.serviceAccountName(pod)).isEqualTo("legacy");
    assertThat(PodProjection.project(pod, null).serviceAccount()).isEqualTo("legacy");
  }

  @Test
  void parsesTheDeletionTimestamp() {
    Pod pod =
        running("ns", "web")
            .editMetadata()
            .withDeletionTimestamp("2026-03-01T10:00:30Z")
            .endMetadata()
            .build();

    assertThat(PodProjection.project(pod, null).deletionTimestamp())
        .isEqualTo(Instant.parse("2026-03-01T10:00:30Z"));
  }

  @Test
  void parsesDeletionTimestampsWithOffsetAndFraction() {
    Pod pod =
        running("ns", "web")
            .editMetadata()
            .withDeletionTimestamp("2026-03-01T11:00:30.250+01:00")
            .endMetadata()
            .build();

    assertThat(PodProjection.project(pod, null).deletionTimestamp())
        .isEqualTo(Instant.parse("2026-03-01T10:00:30.250Z"));
  }

  @Test
  void treatsAnUnreadableDeletionTimestampAsAnEndedGracePeriod() {
    Pod pod =
        running("ns", "web").editMetadata().withDeletionTimestamp("soon").endMetadata().build();

    assertThat(PodProjection.project(pod, null).deletionTimestamp()).isEqualTo(Instant.EPOCH);
    assertThat(logs.messagesFrom(PodProjection.class.getName()))
        .singleElement()
        .asString()
        .contains("ns/web", "deletionTimestamp", "'soon'");
  }

  @Test
  void readsHostNetwork() {
    Pod pod =
        running("kube-system", "proxy")
            .editSpec()
            .withHostNetwork(true)
            .endSpec()
            .editStatus()
            .withPodIP("192.168.1.10")
            .endStatus()
            .build();

    PodIdentity identity = PodProjection.project(pod, null);

    assertThat(identity.hostNetwork()).isTrue();
    assertThat(identity.ips()).containsExactly(ip("192.168.1.10"));
  }

  @Test
  void mapsEveryPhase() {
    assertThat(phaseOf("Succeeded")).isEqualTo(PodPhase.SUCCEEDED);
    assertThat(phaseOf("Failed")).isEqualTo(PodPhase.FAILED);
    assertThat(phaseOf("Unknown")).isEqualTo(PodPhase.UNKNOWN);
    assertThat(phaseOf("Exploded")).isEqualTo(PodPhase.UNKNOWN);
  }

  @Test
  void rejectsAPodWithoutName() {
    Pod pod = new PodBuilder().withNewMetadata().withNamespace("ns").endMetadata().build();

    assertThatThrownBy(() -> PodProjection.project(pod, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a Pod has no metadata.name");
  }

  @Test
  void readsTheServiceAccountRoleAnnotation() {
    assertThat(
            PodProjection.serviceAccountRoleArn(
                new ServiceAccountBuilder()
                    .withNewMetadata()
                    .withName("worker")
                    .addToAnnotations("eks.amazonaws.com/role-arn", ROLE_ARN)
                    .endMetadata()
                    .build()))
        .isEqualTo(ROLE_ARN);
    assertThat(
            PodProjection.serviceAccountRoleArn(
                new ServiceAccountBuilder()
                    .withNewMetadata()
                    .withName("plain")
                    .endMetadata()
                    .build()))
        .isNull();
  }

  private static PodPhase phaseOf(String phase) {
    return PodProjection.project(
            running("ns", "web").editStatus().withPhase(phase).endStatus().build(), null)
        .phase();
  }
}
