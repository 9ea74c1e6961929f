package io.podium.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.core.CredentialOutcome;
import io.podium.core.RoleOutcome;
import io.podium.core.broker.BrokerSettings;
import io.podium.core.pod.PodChangeListener;
import io.podium.core.pod.PodIdentity;
import io.podium.core.session.SessionDurations;
import io.podium.testing.ApiObjects;
import io.podium.testing.TestPods;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * kube2iam's and kiam's best-known failure: a reused pod IP answered with the previous pod's role.
 * Pod A (role a) is replaced on one IP by pod B (role b), a thousand times, through the real
 * informers and the mock API server, while requests from that IP run the whole time.
 *
 * <p>The driver moves the cluster through stable states and knows when each change has reached the
 * directory (a listener hears it after the index changed). Each request notes the state before it
 * starts and after it ends; only requests that saw one state throughout are judged against it:
 *
 * <ul>
 *   <li>after B's add was processed and before B's removal began, no answer carries role a;
 *   <li>after the kubelet's report that A's containers all stopped was processed, no answer carries
 *       role a (A is terminating: its sandbox and its IP are being torn down, and the CNI may hand
 *       the IP to B before A is gone from the API);
 *   <li>while only B holds the IP, or B and a stopped A, at least 95% of answers are b (a 404
 *       counts as a failure);
 *   <li>while A (terminating, inside its grace period, a container still running) and B both hold
 *       it, no answer has a role.
 * </ul>
 *
 * Cycles of the first kind overlap a running, terminating A with B; of the second, A's containers
 * stop before B appears; of the third, A is deleted first, so that B's requests wait for its event.
 *
 * <p>What is left, and not judged: in a real cluster the CNI frees A's IP when the kubelet tears
 * A's sandbox down, just before the kubelet reports A's containers stopped. A request B sends in
 * between, before either that report or B's own record reaches Podium, looks exactly like a request
 * of A's preStop hook (state {@code A_TERMINATING} here) and is answered with role a. Only the
 * pod's status can close it, and the status says nothing earlier.
 */
class IpReuseChurnTest {

  private static final int CYCLES = 1000;
  private static final String IP = "10.1.0.1";
  private static final int REQUESTERS = 2;
  private static final int JUDGED_PER_STATE = 3;

  enum Phase {
    TRANSITION,
    NONE,
    A,
    A_TERMINATING,
    A_STOPPED,
    BOTH,
    B_OVER_STOPPED,
    B
  }

  /**
   * @param bLive B's add was processed and its removal not yet started
   * @param aStopped the report that A's containers stopped was processed
   */
  record State(long version, int cycle, Phase phase, boolean bLive, boolean aStopped) {}

  private record Change(boolean removed, PodIdentity pod) {}

  private final ClusterFixture fixture =
      new ClusterFixture(
          Duration.ofMillis(500),
          new BrokerSettings(
              SessionDurations.defaults(),
              Duration.ofSeconds(30),
              Duration.ofSeconds(1),
              Duration.ofSeconds(60),
              100_000,
              100_000,
              16,
              Duration.ofHours(1),
              Duration.ofMinutes(1)),
          null);

  private final AtomicLong versions = new AtomicLong();
  private final AtomicReference<State> state =
      new AtomicReference<>(new State(0, -1, Phase.TRANSITION, false, false));
  private final BlockingQueue<Change> changes = new LinkedBlockingQueue<>();
  private final Semaphore judged = new Semaphore(0);
  private final AtomicBoolean running = new AtomicBoolean(true);

  private final LongAdder requests = new LongAdder();
  private final LongAdder wrong = new LongAdder();
  private final LongAdder wrongAfterStop = new LongAdder();
  private final LongAdder stoppedJudged = new LongAdder();
  private final LongAdder stoppedServed = new LongAdder();
  private final LongAdder overStoppedJudged = new LongAdder();
  private final LongAdder overStoppedServed = new LongAdder();
  private final LongAdder bothJudged = new LongAdder();
  private final LongAdder ambiguousServed = new LongAdder();
  private final LongAdder bJudged = new LongAdder();
  private final LongAdder bServed = new LongAdder();
  private final LongAdder bNotFound = new LongAdder();
  private final LongAdder aJudged = new LongAdder();
  private final LongAdder aServed = new LongAdder();
  private final LongAdder failures = new LongAdder();

  @AfterEach
  void tearDown() {
    running.set(false);
    fixture.close();
  }

  @Test
  void aReusedIpNeverAnswersWithThePreviousPodsRole() throws Exception {
    fixture.create(ApiObjects.namespace("churn", "a|b"));
    fixture.start();
    fixture.directory.addListener(
        new PodChangeListener() {
          @Override
          public void podUpserted(PodIdentity pod) {
            changes.add(new Change(false, pod));
          }

          @Override
          public void podRemoved(PodIdentity pod) {
            changes.add(new Change(true, pod));
          }
        });
    InetAddress ip = TestPods.ip(IP);
    List<Thread> requesters = new ArrayList<>();
    for (int i = 0; i < REQUESTERS; i++) {
      requesters.add(Thread.ofPlatform().name("requester-" + i).start(() -> request(ip)));
    }

    long started = System.nanoTime();
    for (int cycle = 0; cycle < CYCLES; cycle++) {
      runCycle(cycle);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    running.set(false);
    for (Thread requester : requesters) {
      requester.join(Duration.ofSeconds(10));
    }

    double shareOfB = bServed.sum() / (double) bJudged.sum();
    double shareOfBOverStopped = overStoppedServed.sum() / (double) overStoppedJudged.sum();
    System.out.printf(
        "IP reuse churn: cycles=%d requests=%d wrong=%d wrong-after-stop=%d ambiguous-judged=%d"
            + " ambiguous-served=%d stopped-judged=%d stopped-served=%d b-judged=%d b-served=%d"
            + " share-of-b=%.4f b-over-stopped-judged=%d share-of-b-over-stopped=%.4f b-404=%d"
            + " a-judged=%d a-served=%d failures=%d took=%ds%n",
        CYCLES,
        requests.sum(),
        wrong.sum(),
        wrongAfterStop.sum(),
        bothJudged.sum(),
        ambiguousServed.sum(),
        stoppedJudged.sum(),
        stoppedServed.sum(),
        bJudged.sum(),
        bServed.sum(),
        shareOfB,
        overStoppedJudged.sum(),
        shareOfBOverStopped,
        bNotFound.sum(),
        aJudged.sum(),
        aServed.sum(),
        failures.sum(),
        took.toSeconds());
    assertThat(failures.sum()).isZero();
    assertThat(wrong.sum()).as("answers with role a after B's add").isZero();
    assertThat(wrongAfterStop.sum())
        .as("answers with role a after A's containers were reported stopped")
        .isZero();
    assertThat(stoppedServed.sum()).as("roles served while only a stopped A held the IP").isZero();
    assertThat(stoppedJudged.sum()).as("requests judged while A was stopped").isPositive();
    assertThat(shareOfBOverStopped)
        .as("answers b while B and a stopped A held the IP")
        .isGreaterThanOrEqualTo(0.95);
    assertThat(ambiguousServed.sum()).as("roles served while two pods held the IP").isZero();
    assertThat(bothJudged.sum()).as("requests judged while two pods held the IP").isPositive();
    assertThat(bNotFound.sum()).as("404s while B held the IP").isZero();
    assertThat(bJudged.sum() + overStoppedJudged.sum())
        .isGreaterThanOrEqualTo((long) CYCLES * JUDGED_PER_STATE);
    assertThat(shareOfB).isGreaterThanOrEqualTo(0.95);
  }

  private void runCycle(int cycle) throws Exception {
    String a = "a-" + cycle;
    String b = "b-" + cycle;
    transition(cycle, false, false);
    fixture.create(ApiObjects.pod("churn", a).ip(IP).role("a").build());
    awaitChange(c -> !c.removed() && c.pod().name().equals(a));
    stable(cycle, Phase.A, false, false);

    switch (cycle % 3) {
      case 0 -> {
        // B appears while A, terminating, still runs (its preStop hook, say): nobody is served.
        terminate(cycle, a);
        transition(cycle, false, false);
        fixture.create(ApiObjects.pod("churn", b).ip(IP).role("b").build());
        awaitChange(c -> !c.removed() && c.pod().name().equals(b));
        stable(cycle, Phase.BOTH, true, false);

        transition(cycle, true, false);
        fixture.release("churn", a);
        awaitChange(c -> c.removed() && c.pod().name().equals(a));
        stable(cycle, Phase.B, true, false);
      }
      case 1 -> {
        // A's containers stop; its sandbox goes and the CNI may give its IP to B at once.
        terminate(cycle, a);
        transition(cycle, false, false);
        fixture.stopContainers("churn", a);
        awaitChange(
            c ->
                c.pod().name().equals(a) && c.pod().phase() == io.podium.core.pod.PodPhase.STOPPED);
        stable(cycle, Phase.A_STOPPED, false, true);

        transition(cycle, false, true);
        fixture.create(ApiObjects.pod("churn", b).ip(IP).role("b").build());
        awaitChange(c -> !c.removed() && c.pod().name().equals(b));
        stable(cycle, Phase.B_OVER_STOPPED, true, true);

        transition(cycle, true, true);
        fixture.release("churn", a);
        awaitChange(c -> c.removed() && c.pod().name().equals(a));
        stable(cycle, Phase.B, true, true);
      }
      default -> {
        transition(cycle, false, false);
        fixture.cluster.pods().inNamespace("churn").withName(a).delete();
        awaitChange(c -> c.removed() && c.pod().name().equals(a));
        state.set(new State(versions.incrementAndGet(), cycle, Phase.NONE, false, false));

        fixture.create(ApiObjects.pod("churn", b).ip(IP).role("b").build());
        awaitChange(c -> !c.removed() && c.pod().name().equals(b));
        stable(cycle, Phase.B, true, false);
      }
    }

    transition(cycle, false, false);
    fixture.cluster.pods().inNamespace("churn").withName(b).delete();
    awaitChange(c -> c.removed() && c.pod().name().equals(b));
  }

  private void terminate(int cycle, String a) throws InterruptedException {
    transition(cycle, false, false);
    fixture.terminate("churn", a, Instant.now().plus(Duration.ofMinutes(5)));
    awaitChange(c -> c.pod().name().equals(a) && c.pod().deletionTimestamp() != null);
    stable(cycle, Phase.A_TERMINATING, false, false);
  }

  private void transition(int cycle, boolean bLive, boolean aStopped) {
    state.set(new State(versions.incrementAndGet(), cycle, Phase.TRANSITION, bLive, aStopped));
  }

  /** Enters a stable state and stays until a few requests were judged in it. */
  private void stable(int cycle, Phase phase, boolean bLive, boolean aStopped)
      throws InterruptedException {
    judged.drainPermits();
    state.set(new State(versions.incrementAndGet(), cycle, phase, bLive, aStopped));
    assertThat(judged.tryAcquire(JUDGED_PER_STATE, 10, TimeUnit.SECONDS))
        .as("requests judged in cycle %d, %s", cycle, phase)
        .isTrue();
  }

  private void awaitChange(Predicate<Change> expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      Change change = changes.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      assertThat(change).as("the directory heard of the change within 10 s").isNotNull();
      if (expected.test(change)) {
        return;
      }
    }
  }

  private void request(InetAddress ip) {
    while (running.get()) {
      State before = state.get();
      String answer;
      try {
        answer =
            describe(
                fixture.service.credentials(ip).toCompletableFuture().get(10, TimeUnit.SECONDS));
      } catch (Exception e) {
        failures.increment();
        continue;
      }
      State after = state.get();
      requests.increment();
      judge(before, after, answer);
      // Pacing, not waiting for anything: leaves the informer and the mock some CPU on two cores.
      LockSupport.parkNanos(20_000);
    }
  }

  private void judge(State before, State after, String answer) {
    boolean sameCycle = before.cycle() == after.cycle();
    if (before.bLive() && after.bLive() && sameCycle && "a".equals(answer)) {
      wrong.increment();
    }
    if (before.aStopped() && after.aStopped() && sameCycle && "a".equals(answer)) {
      wrongAfterStop.increment();
    }
    if (!before.equals(after) || before.phase() == Phase.TRANSITION) {
      return;
    }
    switch (before.phase()) {
      case A, A_TERMINATING -> {
        aJudged.increment();
        if ("a".equals(answer)) {
          aServed.increment();
        }
      }
      case BOTH -> {
        bothJudged.increment();
        if (answer.equals("a") || answer.equals("b")) {
          ambiguousServed.increment();
        }
      }
      case A_STOPPED -> {
        stoppedJudged.increment();
        if (answer.equals("a") || answer.equals("b")) {
          stoppedServed.increment();
        }
      }
      case B_OVER_STOPPED -> {
        overStoppedJudged.increment();
        if ("b".equals(answer)) {
          overStoppedServed.increment();
        } else if ("404".equals(answer)) {
          bNotFound.increment();
        }
      }
      case B -> {
        bJudged.increment();
        if ("b".equals(answer)) {
          bServed.increment();
        } else if ("404".equals(answer)) {
          bNotFound.increment();
        }
      }
      case NONE, TRANSITION -> {}
    }
    if (state.get().equals(before)) {
      judged.release();
    }
  }

  private static String describe(CredentialOutcome<String> outcome) {
    return switch (outcome) {
      case CredentialOutcome.Issued<String> issued -> issued.permitted().role().name();
      case CredentialOutcome.StsFailed<String> failed -> "sts";
      case CredentialOutcome.NotIssued<String> notIssued ->
          switch (notIssued.outcome()) {
            case RoleOutcome.NoRole noRole -> "404";
            case RoleOutcome.Refused refused -> "403";
            case RoleOutcome.Unavailable unavailable -> "503";
            case RoleOutcome.Permitted permitted -> "permitted";
          };
    };
  }
}
