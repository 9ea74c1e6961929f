package io.podium.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.core.broker.BrokerObserver;
import io.podium.core.broker.BrokerSettings;
import io.podium.core.broker.CredentialBroker;
import io.podium.core.broker.StsCallException;
import io.podium.core.pod.PodIdentity;
import io.podium.core.role.AllowedRoles;
import io.podium.core.role.NamespacePolicy;
import io.podium.core.role.RoleArn;
import io.podium.core.role.RoleBaseArn;
import io.podium.core.role.RolePolicy;
import io.podium.core.role.RoleResolver;
import io.podium.core.session.SessionDurations;
import io.podium.core.session.SessionRequest;
import io.podium.core.session.SessionRequestFactory;
import io.podium.testing.FakeIssuer;
import io.podium.testing.ManualScheduler;
import io.podium.testing.MutableClock;
import io.podium.testing.TestPods;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PrefetcherTest {

  private static final Optional<RoleBaseArn> BASE =
      Optional.of(RoleBaseArn.parse("arn:aws:iam::123456789012:role/"));

  private final MutableClock clock = MutableClock.at("2026-11-27T10:00:00Z");
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final FakeIssuer issuer = new FakeIssuer(clock);
  private final CredentialBroker<String> broker =
      new CredentialBroker<>(
          issuer,
          (request, issued, at) -> "json",
          BrokerSettings.defaults(SessionDurations.defaults()),
          clock,
          scheduler,
          Runnable::run,
          BrokerObserver.NONE,
          new SplittableRandom(7));
  private final SessionRequestFactory sessions = SessionRequestFactory.withDefaults();
  private final RoleDecider decider =
      new RoleDecider(new RoleResolver(BASE, Optional.empty()), new RolePolicy(true), sessions);
  private final Map<String, NamespacePolicy> namespaces = new HashMap<>();
  private final Prefetcher prefetcher =
      new Prefetcher(
          broker,
          decider,
          ns -> namespaces.getOrDefault(ns, NamespacePolicy.unannotated(ns)),
          clock);

  private void permit(String namespace, String regex) {
    namespaces.put(namespace, NamespacePolicy.compile(namespace, regex, AllowedRoles.ABSENT, BASE));
  }

  private SessionRequest sessionOf(PodIdentity pod) {
    return sessions.forPod(
        pod, RoleArn.parse("arn:aws:iam::123456789012:role/" + pod.annotations().role()));
  }

  @Test
  void podThatAppearsWithAnIpAndAPermittedRoleIsFetchedBeforeItAsks() {
    permit("shop", ".*");
    PodIdentity web = TestPods.running("shop", "web").withIp("10.0.0.5").withRole("web").build();

    prefetcher.podUpserted(web);

    assertThat(issuer.calls(sessionOf(web))).isEqualTo(1);
    assertThat(broker.cached(sessionOf(web))).isPresent();
  }

  @Test
  void pendingPodWithoutIpIsFetchedOnceItGetsOne() {
    permit("shop", ".*");
    PodIdentity scheduled = TestPods.pending("shop", "web").withRole("web").build();
    prefetcher.podUpserted(scheduled);
    assertThat(issuer.calls()).isZero();

    PodIdentity withIp = TestPods.pending("shop", "web").withIp("10.0.0.5").withRole("web").build();
    prefetcher.podUpserted(withIp);

    assertThat(issuer.calls(sessionOf(withIp))).isEqualTo(1);
  }

  @Test
  void deniedOrRolelessPodsAreNotFetched() {
    permit("shop", "web");
    prefetcher.podUpserted(
        TestPods.running("shop", "admin").withIp("10.0.0.5").withRole("admin").build());
    prefetcher.podUpserted(TestPods.running("shop", "plain").withIp("10.0.0.6").build());
    prefetcher.podUpserted(
        TestPods.running("other", "web").withIp("10.0.0.7").withRole("web").build());

    assertThat(issuer.calls()).isZero();
    assertThat(prefetcher.heldSessions()).isZero();
  }

  @Test
  void namespaceThatStartsPermittingTriggersTheFetch() {
    PodIdentity web = TestPods.running("shop", "web").withIp("10.0.0.5").withRole("web").build();
    prefetcher.podUpserted(web);
    assertThat(issuer.calls()).isZero();

    permit("shop", "web");
    // The source tells the namespace's pods again.
    prefetcher.podUpserted(web);

    assertThat(issuer.calls(sessionOf(web))).isEqualTo(1);
  }

  @Test
  void roleChangeReleasesTheOldSessionAndHoldsTheNew() {
    permit("shop", ".*");
    PodIdentity before = TestPods.running("shop", "web").withIp("10.0.0.5").withRole("old").build();
    PodIdentity after = TestPods.running("shop", "web").withIp("10.0.0.5").withRole("new").build();
    prefetcher.podUpserted(before);
    prefetcher.podUpserted(after);

    scheduler.advance(Duration.ofHours(3));

    assertThat(issuer.calls(sessionOf(before))).isEqualTo(1);
    assertThat(issuer.calls(sessionOf(after))).isGreaterThan(1);
    assertThat(broker.cached(sessionOf(before))).isEmpty();
  }

  @Test
  void removedPodsStopBeingRefreshed() {
    permit("shop", ".*");
    PodIdentity web = TestPods.running("shop", "web").withIp("10.0.0.5").withRole("web").build();
    prefetcher.podUpserted(web);
    prefetcher.podRemoved(web);

    scheduler.advance(Duration.ofHours(3));

    assertThat(issuer.calls(sessionOf(web))).isEqualTo(1);
    assertThat(broker.sessionCount()).isZero();
    assertThat(prefetcher.heldSessions()).isZero();
  }

  @Test
  void repeatedUpdatesOfAnUnchangedPodHoldItsSessionOnce() {
    permit("shop", ".*");
    PodIdentity web = TestPods.running("shop", "web").withIp("10.0.0.5").withRole("web").build();
    for (int i = 0; i < 5; i++) {
      prefetcher.podUpserted(web);
    }
    prefetcher.podRemoved(web);

    scheduler.advance(Duration.ofHours(3));

    // Held five times would leave four holders and keep refreshing; held once, it is dropped.
    assertThat(broker.sessionCount()).isZero();
  }

  @Test
  void aPodRefusedAsItAppearsIsReportedAndPendingPrefetchesAreCounted() {
    java.util.List<String> refused = new java.util.ArrayList<>();
    Prefetcher reporting =
        new Prefetcher(
            broker,
            decider,
            ns -> namespaces.getOrDefault(ns, NamespacePolicy.unannotated(ns)),
            clock,
            new PodProblems() {
              @Override
              public void roleRefused(PodIdentity pod, RoleOutcome.Refused outcome) {
                refused.add(pod.name());
              }

              @Override
              public void stsFailed(PodIdentity pod, RoleArn role, StsCallException failure) {}
            });
    permit("shop", "web");
    issuer.closeGate();

    reporting.podUpserted(
        TestPods.running("shop", "admin").withIp("10.0.0.6").withRole("admin").build());
    Thread fetching =
        Thread.ofPlatform()
            .start(
                () ->
                    reporting.podUpserted(
                        TestPods.running("shop", "web")
                            .withIp("10.0.0.5")
                            .withRole("web")
                            .build()));

    assertThat(refused).containsExactly("admin");
    try {
      assertThat(issuer.awaitEntered(5)).isTrue();
      assertThat(broker.pendingPrefetches()).isEqualTo(1);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    } finally {
      issuer.openGate();
    }
    try {
      fetching.join();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    assertThat(broker.pendingPrefetches()).isZero();
  }
}
