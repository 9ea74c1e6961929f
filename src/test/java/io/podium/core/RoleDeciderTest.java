package io.podium.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.core.pod.PodIdentity;
import io.podium.core.role.AllowedRoles;
import io.podium.core.role.NamespacePolicy;
import io.podium.core.role.RoleBaseArn;
import io.podium.core.role.RolePolicy;
import io.podium.core.role.RoleResolver;
import io.podium.core.session.SessionRequestFactory;
import io.podium.testing.TestPods;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RoleDeciderTest {

  private static final Optional<RoleBaseArn> BASE =
      Optional.of(RoleBaseArn.parse("arn:aws:iam::123456789012:role/"));

  private final RoleDecider decider =
      new RoleDecider(
          new RoleResolver(BASE, Optional.empty()),
          new RolePolicy(true),
          SessionRequestFactory.withDefaults());

  private static NamespacePolicy permitting(String regex) {
    return NamespacePolicy.compile("shop", regex, AllowedRoles.ABSENT, BASE);
  }

  @Test
  void aPodChoosesItsSessionNameOnlyWhereItsNamespaceAllowsItAndWithinItsPrefix() {
    PodIdentity batch =
        TestPods.running("shop", "batch").withRole("web-a").withSessionName("nightly").build();
    NamespacePolicy closed =
        NamespacePolicy.compile("shop", "web-.*", AllowedRoles.ABSENT, false, BASE);
    NamespacePolicy open =
        NamespacePolicy.compile("shop", "web-.*", AllowedRoles.ABSENT, true, BASE);

    assertThat(decider.decide(batch, closed))
        .isInstanceOfSatisfying(
            RoleOutcome.Permitted.class,
            permitted -> assertThat(permitted.request().sessionName()).isEqualTo("shop@batch"));
    assertThat(decider.decide(batch, open))
        .isInstanceOfSatisfying(
            RoleOutcome.Permitted.class,
            permitted -> assertThat(permitted.request().sessionName()).isEqualTo("shop@nightly"));
  }

  @Test
  void repeatedRequestsOfOnePodReuseItsDecisionAndSession() {
    NamespacePolicy policy = permitting("web-.*");
    PodIdentity web = TestPods.running("shop", "web").withIp("10.0.0.5").withRole("web-a").build();

    RoleOutcome first = decider.decide(web, policy);
    RoleOutcome again = decider.decide(web, policy);

    assertThat(first).isInstanceOf(RoleOutcome.Permitted.class);
    assertThat(again).isSameAs(first);
  }

  @Test
  void aChangedPodRecordIsDecidedAfreshEvenWithTheSameUid() {
    NamespacePolicy policy = permitting("web-.*");
    PodIdentity before =
        TestPods.running("shop", "web").withIp("10.0.0.5").withRole("web-a").build();
    PodIdentity after =
        TestPods.running("shop", "web").withIp("10.0.0.5").withRole("admin").build();
    assertThat(after.uid()).isEqualTo(before.uid());

    assertThat(decider.decide(before, policy)).isInstanceOf(RoleOutcome.Permitted.class);

    assertThat(decider.decide(after, policy))
        .isInstanceOfSatisfying(
            RoleOutcome.Refused.class,
            refused -> assertThat(refused.kind()).isEqualTo(RoleOutcome.Refusal.POLICY_DENIED));
  }

  @Test
  void aChangedNamespacePolicyIsAppliedAtOnce() {
    PodIdentity web = TestPods.running("shop", "web").withIp("10.0.0.5").withRole("web-a").build();
    assertThat(decider.decide(web, permitting("web-.*"))).isInstanceOf(RoleOutcome.Permitted.class);

    assertThat(decider.decide(web, permitting("db-.*"))).isInstanceOf(RoleOutcome.Refused.class);
  }

  @Test
  void equalButDistinctRecordsAreDecidedAgainWithTheSameAnswer() {
    NamespacePolicy policy = permitting("web-.*");
    PodIdentity one = TestPods.running("shop", "web").withIp("10.0.0.5").withRole("web-a").build();
    PodIdentity twin = TestPods.running("shop", "web").withIp("10.0.0.5").withRole("web-a").build();

    RoleOutcome first = decider.decide(one, policy);
    RoleOutcome second = decider.decide(twin, policy);

    assertThat(second).isNotSameAs(first).isEqualTo(first);
  }

  @Test
  void memoryStaysBoundedWhateverTheNumberOfPods() {
    NamespacePolicy policy = permitting("web-.*");
    PodIdentity first =
        TestPods.running("shop", "web-0").withIp("10.0.0.5").withRole("web-a").build();
    RoleOutcome remembered = decider.decide(first, policy);

    for (int i = 1; i <= RoleDecider.MAX_REMEMBERED; i++) {
      decider.decide(TestPods.running("shop", "web-" + i).withRole("web-a").build(), policy);
    }

    // The first pod's decision was forgotten on the way (a fresh, equal one is made), not kept.
    RoleOutcome again = decider.decide(first, policy);
    assertThat(again).isEqualTo(remembered).isNotSameAs(remembered);
  }
}
