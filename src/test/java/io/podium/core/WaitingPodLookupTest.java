package io.podium.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.core.pod.PodIdentity;
import io.podium.core.pod.PodIpIndex;
import io.podium.core.pod.PodLookup;
import io.podium.testing.ManualScheduler;
import io.podium.testing.MutableClock;
import io.podium.testing.TestPods;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class WaitingPodLookupTest {

  private final MutableClock clock = MutableClock.at("2026-11-27T10:00:00Z");
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final PodIpIndex index = new PodIpIndex();
  private final List<WaitingPodLookup.WaitOutcome> outcomes = new ArrayList<>();
  private final WaitingPodLookup lookups =
      new WaitingPodLookup(
          index,
          clock,
          scheduler,
          Duration.ofMillis(500),
          3,
          (outcome, waited) -> outcomes.add(outcome));

  private CompletableFuture<PodLookup> find(String ip) {
    return lookups.find(TestPods.ip(ip)).toCompletableFuture();
  }

  private void add(PodIdentity pod) {
    index.upsert(pod);
    lookups.ipsChanged(pod.ips());
  }

  @Test
  void aKnownPodIsAnsweredAtOnceWithoutWaiting() {
    add(TestPods.running("shop", "web").withIp("10.0.0.5").build());

    assertThat(find("10.0.0.5")).isCompletedWithValueMatching(PodLookup.Found.class::isInstance);
    assertThat(lookups.waiting()).isZero();
    assertThat(outcomes).isEmpty();
  }

  @Test
  void anUnknownIpWaitsForTheEventThatBringsItsPod() {
    CompletableFuture<PodLookup> early = find("10.0.0.5");
    assertThat(early).isNotDone();
    assertThat(lookups.waiting()).isEqualTo(1);

    add(TestPods.running("shop", "web").withIp("10.0.0.5").build());

    assertThat(early)
        .isCompletedWithValueMatching(
            l -> l instanceof PodLookup.Found f && f.pod().name().equals("web"));
    assertThat(lookups.waiting()).isZero();
    assertThat(scheduler.pending()).isZero();
    assertThat(outcomes).containsExactly(WaitingPodLookup.WaitOutcome.FOUND);
  }

  @Test
  void noEventWithinTheWaitIsNotFoundAndSaysItWaited() {
    CompletableFuture<PodLookup> early = find("10.0.0.5");

    scheduler.advance(Duration.ofMillis(499));
    assertThat(early).isNotDone();
    scheduler.advance(Duration.ofMillis(1));

    assertThat(early)
        .isCompletedWithValueMatching(
            l -> l instanceof PodLookup.NotFound n && n.reason().contains("waited 500 ms"));
    assertThat(outcomes).containsExactly(WaitingPodLookup.WaitOutcome.TIMED_OUT);
  }

  @Test
  void anEventThatLeavesTheIpUnservedKeepsTheCallerWaiting() {
    CompletableFuture<PodLookup> early = find("10.0.0.5");

    add(TestPods.running("batch", "job").withIp("10.0.0.5").succeeded().build());
    assertThat(early).isNotDone();
    add(TestPods.running("shop", "web").withIp("10.0.0.5").build());

    assertThat(early)
        .isCompletedWithValueMatching(
            l -> l instanceof PodLookup.Found f && f.pod().name().equals("web"));
  }

  @Test
  void aSecondLivePodOnTheIpEndsTheWaitAmbiguousNotAGuess() {
    index.upsert(TestPods.running("shop", "a").withIp("10.0.0.5").failed().build());
    CompletableFuture<PodLookup> early = find("10.0.0.5");

    index.upsert(TestPods.running("shop", "b").withIp("10.0.0.5").build());
    index.upsert(TestPods.running("shop", "c").withIp("10.0.0.5").build());
    lookups.ipsChanged(Set.of(TestPods.ip("10.0.0.5")));

    assertThat(early).isCompletedWithValueMatching(PodLookup.Ambiguous.class::isInstance);
    assertThat(outcomes).containsExactly(WaitingPodLookup.WaitOutcome.AMBIGUOUS);
  }

  @Test
  void aHostAddressEndsTheWaitAtOnce() {
    CompletableFuture<PodLookup> early = find("192.168.1.10");

    index.setNodeAddresses(Set.of(TestPods.ip("192.168.1.10")));
    lookups.ipsChanged(Set.of(TestPods.ip("192.168.1.10")));

    assertThat(early).isCompletedWithValueMatching(PodLookup.HostAddress.class::isInstance);
  }

  @Test
  void waitersAreBoundedAndTheRestAreAnsweredAtOnce() {
    for (int i = 0; i < 3; i++) {
      assertThat(find("10.0.1." + i)).isNotDone();
    }

    CompletableFuture<PodLookup> fourth = find("10.0.1.9");

    assertThat(fourth).isCompletedWithValueMatching(PodLookup.NotFound.class::isInstance);
    assertThat(outcomes).containsExactly(WaitingPodLookup.WaitOutcome.REFUSED);
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(lookups.waiting()).isZero();
  }

  @Test
  void manyCallersOnOneIpAreAllAnsweredByOneEvent() {
    List<CompletableFuture<PodLookup>> callers = List.of(find("10.0.0.5"), find("10.0.0.5"));

    add(TestPods.running("shop", "web").withIp("10.0.0.5").build());

    assertThat(callers).allMatch(f -> f.join() instanceof PodLookup.Found);
  }
}
