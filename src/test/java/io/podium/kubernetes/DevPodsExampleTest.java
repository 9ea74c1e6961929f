package io.podium.kubernetes;

import static io.podium.kubernetes.FilePodDirectoryTest.found;
import static io.podium.kubernetes.FilePodDirectoryTest.lookup;
import static org.assertj.core.api.Assertions.assertThat;

import io.podium.core.RoleDecider;
import io.podium.core.RoleOutcome;
import io.podium.core.pod.PodIdentity;
import io.podium.core.pod.PodLookup;
import io.podium.core.role.RoleArn;
import io.podium.core.role.RoleBaseArn;
import io.podium.core.role.RolePolicy;
import io.podium.core.role.RoleResolver;
import io.podium.core.role.RoleSource;
import io.podium.core.session.SessionRequestFactory;
import io.podium.testing.ManualScheduler;
import io.podium.testing.MutableClock;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Keeps {@code examples/dev-pods.yaml} answering what its comments promise. */
class DevPodsExampleTest {

  private static final Path EXAMPLE = Path.of("examples", "dev-pods.yaml");
  private static final Optional<RoleBaseArn> DEV_BASE =
      Optional.of(RoleBaseArn.parse("arn:aws:iam::123456789012:role/"));

  private final MutableClock clock = MutableClock.at("2026-01-01T12:00:00Z");
  private final FilePodDirectory pods =
      new FilePodDirectory(
          EXAMPLE,
          DEV_BASE,
          Set.of(),
          FilePodDirectory.DEFAULT_POLL_INTERVAL,
          clock,
          new ManualScheduler(clock));
  private final RoleDecider decider =
      new RoleDecider(
          new RoleResolver(DEV_BASE, Optional.empty()),
          new RolePolicy(true),
          SessionRequestFactory.withDefaults());

  @AfterEach
  void close() {
    pods.close();
  }

  @Test
  void webGetsItsAnnotatedRoleOnBothLoopbackAddresses() {
    PodIdentity web = found(pods, "127.0.0.1");

    assertThat(web.qualifiedName()).isEqualTo("dev/web");
    assertThat(found(pods, "::1")).isEqualTo(web);
    RoleOutcome.Permitted permitted = permitted(web);
    assertThat(permitted.role()).isEqualTo(RoleArn.parse("arn:aws:iam::123456789012:role/dev-web"));
    assertThat(permitted.source()).isEqualTo(RoleSource.POD_ANNOTATION);
  }

  @Test
  void workerGetsTheRoleOfItsServiceAccount() {
    PodIdentity worker = found(pods, "127.0.0.2");

    assertThat(worker.qualifiedName()).isEqualTo("dev/worker");
    RoleOutcome.Permitted permitted = permitted(worker);
    assertThat(permitted.role())
        .isEqualTo(RoleArn.parse("arn:aws:iam::123456789012:role/dev-worker"));
    assertThat(permitted.source()).isEqualTo(RoleSource.SERVICE_ACCOUNT);
  }

  @Test
  void batchAsksForNoRole() {
    PodIdentity batch = found(pods, "127.0.0.3");

    assertThat(batch.qualifiedName()).isEqualTo("dev/batch");
    assertThat(decide(batch)).isEqualTo(new RoleOutcome.NoRole(batch));
  }

  @Test
  void intruderIsRefusedARoleItsNamespaceDoesNotPermit() {
    PodIdentity intruder = found(pods, "127.0.0.4");

    assertThat(intruder.qualifiedName()).isEqualTo("dev/intruder");
    assertThat(decide(intruder))
        .isInstanceOfSatisfying(
            RoleOutcome.Refused.class,
            refused -> {
              assertThat(refused.kind()).isEqualTo(RoleOutcome.Refusal.POLICY_DENIED);
              assertThat(refused.reason()).contains("prod-admin", "namespace dev");
            });
  }

  @Test
  void reportingGetsARolePermittedByAllowedRoles() {
    PodIdentity reporting = found(pods, "127.0.0.5");

    assertThat(reporting.qualifiedName()).isEqualTo("team/reporting");
    assertThat(permitted(reporting).role())
        .isEqualTo(RoleArn.parse("arn:aws:iam::123456789012:role/team/reporter"));
  }

  @Test
  void otherAddressesBelongToNoPod() {
    assertThat(lookup(pods, "127.0.0.6")).isInstanceOf(PodLookup.NotFound.class);
    assertThat(pods.pods()).hasSize(5);
  }

  private RoleOutcome decide(PodIdentity pod) {
    return decider.decide(pod, pods.namespacePolicy(pod.namespace()));
  }

  private RoleOutcome.Permitted permitted(PodIdentity pod) {
    RoleOutcome outcome = decide(pod);
    assertThat(outcome).isInstanceOf(RoleOutcome.Permitted.class);
    return (RoleOutcome.Permitted) outcome;
  }
}
