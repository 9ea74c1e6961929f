package io.podium.core.pod;

import static io.podium.testing.TestPods.ip;
import static org.assertj.core.api.Assertions.assertThat;

import io.podium.testing.TestPods;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PodIpIndexTest {

  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

  private final PodIpIndex index = new PodIpIndex();

  @Test
  void findsTheOnlyPodOnAnIp() {
    PodIdentity web = TestPods.running("ns", "web").withIp("10.0.0.5").build();
    index.upsert(web);

    assertThat(index.lookup(ip("10.0.0.5"), NOW)).isEqualTo(new PodLookup.Found(web));
  }

  @Test
  void findsPendingPodThatAlreadyHasAnIp() {
    PodIdentity web = TestPods.pending("ns", "web").withIp("10.0.0.5").build();
    index.upsert(web);

    assertThat(index.lookup(ip("10.0.0.5"), NOW)).isEqualTo(new PodLookup.Found(web));
  }

  @Test
  void answersNotFoundNamingTheIpWhenNoPodHoldsIt() {
    index.upsert(TestPods.running("ns", "web").withIp("10.0.0.5").build());

    assertThat(index.lookup(ip("10.0.0.9"), NOW))
        .isEqualTo(new PodLookup.NotFound("no pod holds 10.0.0.9"));
  }

  @Test
  void findsDualStackPodByEitherAddress() {
    PodIdentity web = TestPods.running("ns", "web").withIp("10.0.0.5").withIp("fd00::5").build();
    index.upsert(web);

    assertThat(index.lookup(ip("10.0.0.5"), NOW)).isEqualTo(new PodLookup.Found(web));
    assertThat(index.lookup(ip("fd00::5"), NOW)).isEqualTo(new PodLookup.Found(web));
    assertThat(index.lookup(ip("fd00:0:0:0:0:0:0:5"), NOW)).isEqualTo(new PodLookup.Found(web));
  }

  @Test
  void updateThatMovesPodToNewIpReleasesTheOldOne() {
    TestPods.Builder web = TestPods.running("ns", "web");
    PodIdentity before = web.withIp("10.0.0.5").build();
    PodIdentity after = web.withIp("10.0.0.6").build();
    index.upsert(before);

    Optional<PodIdentity> replaced = index.upsert(after);

    assertThat(replaced).contains(before);
    assertThat(index.lookup(ip("10.0.0.5"), NOW)).isInstanceOf(PodLookup.NotFound.class);
    assertThat(index.lookup(ip("10.0.0.6"), NOW)).isEqualTo(new PodLookup.Found(after));
    assertThat(index.size()).isOne();
  }

  @Test
  void updateOnTheSameIpReplacesThePodWithoutConflict() {
    TestPods.Builder web = TestPods.running("ns", "web").withIp("10.0.0.5");
    index.upsert(web.build());
    PodIdentity annotated = web.withRole("reader").build();

    index.upsert(annotated);

    assertThat(index.lookup(ip("10.0.0.5"), NOW)).isEqualTo(new PodLookup.Found(annotated));
    assertThat(index.pods()).containsExactly(annotated);
  }

  @Test
  void dualStackPodThatLosesOneAddressKeepsTheOther() {
    TestPods.Builder web = TestPods.running("ns", "web").withIp("10.0.0.5");
    index.upsert(web.withIp("fd00::5").build());

    index.upsert(web.build());

    assertThat(index.lookup(ip("fd00::5"), NOW)).isInstanceOf(PodLookup.NotFound.class);
    assertThat(index.lookup(ip("10.0.0.5"), NOW)).isInstanceOf(PodLookup.Found.class);
  }

  @Test
  void findsTheNewPodWhenAFinishedPodStillHoldsTheReusedIp() {
    PodIdentity finished = TestPods.running("ns", "job-1").withIp("10.0.0.5").succeeded().build();
    PodIdentity fresh = TestPods.running("ns", "web").withIp("10.0.0.5").build();
    index.upsert(finished);
    index.upsert(fresh);

    assertThat(index.lookup(ip("10.0.0.5"), NOW)).isEqualTo(new PodLookup.Found(fresh));
    assertThat(index.ambiguousLookups()).isZero();
  }

  @Test
  void findsTheNewPodWhenAFailedPodStillHoldsTheReusedIp() {
    index.upsert(TestPods.running("ns", "old").withIp("10.0.0.5").failed().build());
    PodIdentity fresh = TestPods.pending("ns", "new").withIp("10.0.0.5").build();
    index.upsert(fresh);

    assertThat(index.lookup(ip("10.0.0.5"), NOW)).isEqualTo(new PodLookup.Found(fresh));
  }

  @Test
  void neverPicksBetweenTwoRunningPodsOnOneIp() {
    PodIdentity a = TestPods.running("ns", "a").withIp("10.0.0.5").build();
    PodIdentity b = TestPods.running("other", "b").withIp("10.0.0.5").build();
    index.upsert(a);
    index.upsert(b);

    PodLookup lookup = index.lookup(ip("10.0.0.5"), NOW);

    assertThat(lookup).isInstanceOf(PodLookup.Ambiguous.class);
    assertThat(((PodLookup.Ambiguous) lookup).pods()).containsExactlyInAnyOrder(a, b);
    assertThat(index.ambiguousLookups()).isOne();
  }

  @Test
  void countsEveryAmbiguousLookup() {
    index.upsert(TestPods.running("ns", "a").withIp("10.0.0.5").build());
    index.upsert(TestPods.running("ns", "b").withIp("10.0.0.5").build());

    index.lookup(ip("10.0.0.5"), NOW);
    index.lookup(ip("10.0.0.5"), NOW);
    index.lookup(ip("10.0.0.9"), NOW);

    assertThat(index.ambiguousLookups()).isEqualTo(2);
  }

  @Test
  void conflictEndsWhenOneOfTheClaimantsIsRemoved() {
    PodIdentity a = TestPods.running("ns", "a").withIp("10.0.0.5").build();
    PodIdentity b = TestPods.running("ns", "b").withIp("10.0.0.5").build();
    index.upsert(a);
    index.upsert(b);

    assertThat(index.remove(a.uid())).contains(a);

    assertThat(index.lookup(ip("10.0.0.5"), NOW)).isEqualTo(new PodLookup.Found(b));
  }

  @Test
  void threeClaimantsOfOneIpDwindleToOneAndThenToNone() {
    PodIdentity done = TestPods.running("ns", "done").withIp("10.0.0.5").succeeded().build();
    PodIdentity a = TestPods.running("ns", "a").withIp("10.0.0.5").build();
    PodIdentity b = TestPods.running("ns", "b").withIp("10.0.0.5").build();
    index.upsert(done);
    index.upsert(a);
    index.upsert(b);
    assertThat(index.lookup(ip("10.0.0.5"), NOW)).isInstanceOf(PodLookup.Ambiguous.class);

    index.remove(a.uid());
    assertThat(index.lookup(ip("10.0.0.5"), NOW)).isEqualTo(new PodLookup.Found(b));
    index.remove(b.uid());
    assertThat(index.lookup(ip("10.0.0.5"), NOW))
        .isInstanceOfSatisfying(
            PodLookup.NotFound.class,
            notFound -> assertThat(notFound.reason()).contains("no pod that may hold"));
    index.remove(done.uid());
    assertThat(index.lookup(ip("10.0.0.5"), NOW))
        .isEqualTo(new PodLookup.NotFound("no pod holds 10.0.0.5"));
  }

  @Test
  void explainsWhyTheOnlyHolderOfAnIpMayNotHaveCredentials() {
    index.upsert(TestPods.running("ns", "job").withIp("10.0.0.9").succeeded().build());

    assertThat(index.lookup(ip("10.0.0.9"), NOW))
        .isEqualTo(
            new PodLookup.NotFound(
                "no pod that may hold credentials holds 10.0.0.9: pod ns/job is succeeded"));
  }

  @Test
  void terminatingPodKeepsItsIpThroughItsGracePeriod() {
    PodIdentity stopping =
        TestPods.running("ns", "web")
            .withIp("10.0.0.5")
            .terminatingUntil(NOW.plusSeconds(30))
            .build();
    index.upsert(stopping);

    assertThat(index.lookup(ip("10.0.0.5"), NOW)).isEqualTo(new PodLookup.Found(stopping));
    assertThat(index.lookup(ip("10.0.0.5"), NOW.plusSeconds(30)))
        .isEqualTo(new PodLookup.Found(stopping));
  }

  @Test
  void terminatingPodLosesItsIpAfterItsGracePeriod() {
    index.upsert(
        TestPods.running("ns", "web")
            .withIp("10.0.0.5")
            .terminatingUntil(NOW.plusSeconds(30))
            .build());

    PodLookup lookup = index.lookup(ip("10.0.0.5"), NOW.plusSeconds(31));

    assertThat(lookup).isInstanceOf(PodLookup.NotFound.class);
    assertThat(((PodLookup.NotFound) lookup).reason())
        .contains("10.0.0.5", "ns/web", "past its termination grace period");
  }

  @Test
  void newPodOnTheIpOfAPodPastItsGracePeriodIsFound() {
    index.upsert(
        TestPods.running("ns", "old")
            .withIp("10.0.0.5")
            .terminatingUntil(NOW.minusSeconds(1))
            .build());
    PodIdentity fresh = TestPods.running("ns", "new").withIp("10.0.0.5").build();
    index.upsert(fresh);

    assertThat(index.lookup(ip("10.0.0.5"), NOW)).isEqualTo(new PodLookup.Found(fresh));
  }

  @Test
  void newPodOnTheIpOfAPodStillInItsGracePeriodIsAConflict() {
    index.upsert(
        TestPods.running("ns", "old")
            .withIp("10.0.0.5")
            .terminatingUntil(NOW.plusSeconds(5))
            .build());
    index.upsert(TestPods.running("ns", "new").withIp("10.0.0.5").build());

    assertThat(index.lookup(ip("10.0.0.5"), NOW)).isInstanceOf(PodLookup.Ambiguous.class);
    assertThat(index.lookup(ip("10.0.0.5"), NOW.plusSeconds(6)))
        .isInstanceOf(PodLookup.Found.class);
  }

  @Test
  void hostNetworkPodsAddressIsAHostAddress() {
    index.upsert(
        TestPods.running("kube-system", "proxy").withIp("192.168.1.10").hostNetwork().build());

    PodLookup lookup = index.lookup(ip("192.168.1.10"), NOW);

    assertThat(lookup).isInstanceOf(PodLookup.HostAddress.class);
    assertThat(((PodLookup.HostAddress) lookup).reason()).contains("kube-system/proxy");
  }

  @Test
  void podRecordThatClaimsAHostNetworkPodsAddressGetsNoRole() {
    index.upsert(
        TestPods.running("kube-system", "proxy").withIp("192.168.1.10").hostNetwork().build());
    index.upsert(TestPods.running("ns", "web").withIp("192.168.1.10").build());

    assertThat(index.lookup(ip("192.168.1.10"), NOW)).isInstanceOf(PodLookup.HostAddress.class);
  }

  @Test
  void nodeAddressIsAHostAddressEvenWithoutAnyPod() {
    PodIpIndex withNode = new PodIpIndex(Set.of(ip("192.168.1.10"), ip("fd00::10")));

    assertThat(withNode.lookup(ip("192.168.1.10"), NOW))
        .isEqualTo(new PodLookup.HostAddress("192.168.1.10 is an address of the node"));
    assertThat(withNode.lookup(ip("fd00::10"), NOW)).isInstanceOf(PodLookup.HostAddress.class);
  }

  @Test
  void nodeAddressWinsOverAPodRecordClaimingIt() {
    PodIpIndex withNode = new PodIpIndex(Set.of(ip("192.168.1.10")));
    withNode.upsert(TestPods.running("ns", "web").withIp("192.168.1.10").build());

    assertThat(withNode.lookup(ip("192.168.1.10"), NOW)).isInstanceOf(PodLookup.HostAddress.class);
  }

  @Test
  void aHostIpAnyIndexedPodReportsWinsOverAPodRecordClaimingIt() {
    PodIdentity web =
        TestPods.reportingHost(
            TestPods.running("ns", "web").withIp("10.0.0.5").build(), "192.168.1.10");
    index.upsert(TestPods.running("ns", "forged").withIp("192.168.1.10").build());
    assertThat(index.lookup(ip("192.168.1.10"), NOW)).isInstanceOf(PodLookup.Found.class);

    index.upsert(web);

    assertThat(index.lookup(ip("192.168.1.10"), NOW)).isInstanceOf(PodLookup.HostAddress.class);
    assertThat(index.isNodeAddress(ip("192.168.1.10"))).isTrue();
    assertThat(index.lookup(ip("10.0.0.5"), NOW)).isInstanceOf(PodLookup.Found.class);
  }

  @Test
  void aReportedHostIpStaysANodeAddressWhileAnyPodReportsIt() {
    PodIdentity a =
        TestPods.reportingHost(
            TestPods.running("ns", "a").withIp("10.0.0.5").build(), "192.168.1.10");
    PodIdentity b =
        TestPods.reportingHost(
            TestPods.running("ns", "b").withIp("10.0.0.6").build(), "192.168.1.10");
    index.upsert(a);
    index.upsert(b);
    index.upsert(a);

    index.remove(a.uid());
    assertThat(index.isNodeAddress(ip("192.168.1.10"))).isTrue();
    index.remove(b.uid());
    assertThat(index.isNodeAddress(ip("192.168.1.10"))).isFalse();
  }

  @Test
  void nodeAddressesCanBeReplaced() {
    index.setNodeAddresses(Set.of(ip("192.168.1.10")));
    assertThat(index.lookup(ip("192.168.1.10"), NOW)).isInstanceOf(PodLookup.HostAddress.class);

    index.setNodeAddresses(Set.of());

    assertThat(index.lookup(ip("192.168.1.10"), NOW)).isInstanceOf(PodLookup.NotFound.class);
  }

  @Test
  void removingAPodReleasesEveryAddress() {
    PodIdentity web = TestPods.running("ns", "web").withIp("10.0.0.5").withIp("fd00::5").build();
    index.upsert(web);

    assertThat(index.remove(web.uid())).contains(web);

    assertThat(index.lookup(ip("10.0.0.5"), NOW)).isInstanceOf(PodLookup.NotFound.class);
    assertThat(index.lookup(ip("fd00::5"), NOW)).isInstanceOf(PodLookup.NotFound.class);
    assertThat(index.size()).isZero();
    assertThat(index.pod(web.uid())).isEmpty();
  }

  @Test
  void removingAnUnknownPodChangesNothing() {
    PodIdentity web = TestPods.running("ns", "web").withIp("10.0.0.5").build();
    index.upsert(web);

    assertThat(index.remove("no-such-uid")).isEmpty();
    assertThat(index.pods()).containsExactly(web);
  }

  @Test
  void podWithoutIpIsKeptButAnswersForNoAddress() {
    PodIdentity pending = TestPods.pending("ns", "web").build();

    assertThat(index.upsert(pending)).isEmpty();

    assertThat(index.pod(pending.uid())).contains(pending);
    assertThat(index.size()).isOne();
  }

  @Test
  void podsIsASnapshot() {
    index.upsert(TestPods.running("ns", "a").withIp("10.0.0.1").build());
    List<PodIdentity> snapshot = index.pods();

    index.upsert(TestPods.running("ns", "b").withIp("10.0.0.2").build());

    assertThat(snapshot).hasSize(1);
    assertThat(index.pods()).hasSize(2);
  }

  @Test
  void concurrentUpdatesNeverShowAPodTwiceOrLoseItOnItsOwnIp() throws Exception {
    // Each writer owns one pod that keeps its home IP while gaining and losing a second one and
    // changing annotations; readers check every answer against what the writers can produce.
    int writers = 3;
    int rounds = 2_000;
    ExecutorService pool = Executors.newFixedThreadPool(writers + 2);
    CyclicBarrier start = new CyclicBarrier(writers + 2);
    ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    List<Future<?>> tasks = new ArrayList<>();
    for (int n = 0; n < writers; n++) {
      index.upsert(TestPods.running("ns", "pod-" + n).withIp("10.0.1." + n).build());
    }
    try {
      for (int w = 0; w < writers; w++) {
        int n = w;
        tasks.add(
            pool.submit(
                () -> {
                  TestPods.Builder pod = TestPods.running("ns", "pod-" + n).withIp("10.0.1." + n);
                  start.await();
                  for (int i = 0; i < rounds; i++) {
                    index.upsert(pod.withRole("role-" + i).build());
                    index.upsert(pod.withIp("10.0.2." + n).withRole("role-" + i).build());
                  }
                  index.upsert(pod.build());
                  return null;
                }));
      }
      for (int r = 0; r < 2; r++) {
        tasks.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < rounds * 2; i++) {
                    int n = i % writers;
                    InetAddress home = ip("10.0.1." + n);
                    // The home IP is held in every version of the pod: always exactly that pod.
                    if (!(index.lookup(home, NOW) instanceof PodLookup.Found(PodIdentity pod))
                        || !pod.name().equals("pod-" + n)) {
                      violations.add("home " + home + ": " + index.lookup(home, NOW));
                    }
                    // The second IP comes and goes: found or not, but never a conflict.
                    PodLookup second = index.lookup(ip("10.0.2." + n), NOW);
                    if (second instanceof PodLookup.Ambiguous
                        || second instanceof PodLookup.HostAddress) {
                      violations.add("second: " + second);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> task : tasks) {
        task.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(violations).isEmpty();
    assertThat(index.size()).isEqualTo(writers);
    for (int n = 0; n < writers; n++) {
      assertThat(index.lookup(ip("10.0.1." + n), NOW)).isInstanceOf(PodLookup.Found.class);
      assertThat(index.lookup(ip("10.0.2." + n), NOW)).isInstanceOf(PodLookup.NotFound.class);
    }
    assertThat(index.ambiguousLookups()).isZero();
  }

  @Test
  void concurrentWritersOfDifferentPodsOnOneIpLeaveAConsistentIndex() throws Exception {
    int writers = 4;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CyclicBarrier start = new CyclicBarrier(writers);
    List<Future<?>> tasks = new ArrayList<>();
    try {
      for (int w = 0; w < writers; w++) {
        int n = w;
        tasks.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < 1_000; i++) {
                    PodIdentity pod =
                        TestPods.running("ns", "pod-" + n + "-" + i).withIp("10.0.0.5").build();
                    index.upsert(pod);
                    index.remove(pod.uid());
                  }
                  return null;
                }));
      }
      for (Future<?> task : tasks) {
        task.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(index.size()).isZero();
    assertThat(index.lookup(ip("10.0.0.5"), NOW))
        .isEqualTo(new PodLookup.NotFound("no pod holds 10.0.0.5"));
  }
}
