package io.podium.core.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.core.pod.Eligibility.Ineligible;
import io.podium.testing.TestPods;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CredentialEligibilityTest {

  private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

  private final TestPods.Builder web = TestPods.running("ns", "web").withIp("10.0.0.5");

  @ParameterizedTest
  @EnumSource(
      value = PodPhase.class,
      names = {"PENDING", "RUNNING"})
  void pendingAndRunningPodsWithAnIpMayHoldCredentials(PodPhase phase) {
    PodIdentity pod = web.inPhase(phase).build();

    assertThat(CredentialEligibility.check(pod, NOW)).isSameAs(Eligibility.ELIGIBLE);
    assertThat(CredentialEligibility.check(pod, TestPods.ip("10.0.0.5"), NOW))
        .isSameAs(Eligibility.ELIGIBLE);
    assertThat(CredentialEligibility.mayHoldCredentials(pod, NOW)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(
      value = PodPhase.class,
      names = {"SUCCEEDED", "FAILED", "UNKNOWN"})
  void finishedOrUnknownPodsNeverGetARole(PodPhase phase) {
    PodIdentity pod = web.inPhase(phase).build();

    assertThat(CredentialEligibility.check(pod, NOW))
        .isEqualTo(new Ineligible("pod ns/web is " + phase.name().toLowerCase(Locale.ROOT)));
    assertThat(CredentialEligibility.check(pod, TestPods.ip("10.0.0.5"), NOW))
        .isInstanceOf(Ineligible.class);
    assertThat(CredentialEligibility.mayHoldCredentials(pod, NOW)).isFalse();
  }

  @Test
  void podWithoutIpGetsNoRole() {
    PodIdentity pod = TestPods.pending("ns", "web").build();

    assertThat(CredentialEligibility.check(pod, NOW))
        .isEqualTo(new Ineligible("pod ns/web has no IP yet"));
  }

  @Test
  void hostNetworkPodGetsNoRoleEvenFromTheNodeIp() {
    PodIdentity pod =
        TestPods.running("kube-system", "proxy").withIp("192.168.1.10").hostNetwork().build();

    assertThat(CredentialEligibility.check(pod, NOW))
        .isEqualTo(
            new Ineligible("pod kube-system/proxy uses the host network and shares the node's IP"));
    assertThat(CredentialEligibility.check(pod, TestPods.ip("192.168.1.10"), NOW))
        .isInstanceOfSatisfying(
            Ineligible.class, i -> assertThat(i.reason()).contains("host network"));
    assertThat(CredentialEligibility.check(pod, TestPods.ip("10.9.9.9"), NOW))
        .isInstanceOf(Ineligible.class);
  }

  @Test
  void callerMustHoldOneOfThePodsIps() {
    PodIdentity pod = web.build();

    assertThat(CredentialEligibility.check(pod, TestPods.ip("10.0.0.6"), NOW))
        .isEqualTo(new Ineligible("pod ns/web does not hold 10.0.0.6"));
  }

  @Test
  void dualStackPodIsEligibleOnEitherAddress() {
    PodIdentity pod = web.withIp("fd00::5").build();

    assertThat(CredentialEligibility.check(pod, TestPods.ip("10.0.0.5"), NOW))
        .isSameAs(Eligibility.ELIGIBLE);
    assertThat(CredentialEligibility.check(pod, TestPods.ip("fd00:0:0:0:0:0:0:5"), NOW))
        .isSameAs(Eligibility.ELIGIBLE);
    assertThat(CredentialEligibility.check(pod, TestPods.ip("fd00::6"), NOW))
        .isInstanceOf(Ineligible.class);
  }

  @Test
  void keepsRoleThroughGracePeriod() {
    PodIdentity terminating = web.terminatingUntil(NOW.plus(Duration.ofSeconds(30))).build();

    assertThat(CredentialEligibility.check(terminating, NOW)).isSameAs(Eligibility.ELIGIBLE);
    assertThat(CredentialEligibility.check(terminating, NOW.plusSeconds(29)))
        .isSameAs(Eligibility.ELIGIBLE);
    assertThat(CredentialEligibility.check(terminating, TestPods.ip("10.0.0.5"), NOW))
        .isSameAs(Eligibility.ELIGIBLE);
  }

  @Test
  void losesRoleOnceGracePeriodIsOver() {
    PodIdentity terminating = web.terminatingUntil(NOW).build();

    assertThat(CredentialEligibility.check(terminating, NOW.plusSeconds(1)))
        .isEqualTo(new Ineligible("pod ns/web is past its termination grace period"));
  }

  @Test
  void terminatingPodThatHasFinishedGetsNoRoleEvenWithinGracePeriod() {
    PodIdentity finished =
        web.succeeded().terminatingUntil(NOW.plus(Duration.ofSeconds(30))).build();

    assertThat(CredentialEligibility.check(finished, NOW)).isInstanceOf(Ineligible.class);
  }

  @Test
  void terminatingPodWhoseContainersHaveAllStoppedGetsNoRoleWithinItsGracePeriod() {
    PodIdentity stopped =
        web.inPhase(PodPhase.STOPPED).terminatingUntil(NOW.plus(Duration.ofSeconds(30))).build();

    assertThat(CredentialEligibility.check(stopped, NOW))
        .isEqualTo(new Ineligible("pod ns/web is terminating and its containers have stopped"));
  }

  @Test
  void reasonNamesThePodButNeverItsAnnotations() {
    PodIdentity pod = web.withExternalId("secret-external-id").failed().build();

    assertThat(CredentialEligibility.check(pod, NOW))
        .isInstanceOfSatisfying(
            Ineligible.class,
            i -> assertThat(i.reason()).contains("ns/web").doesNotContain("secret-external-id"));
  }
}
