package io.podium.core.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.podium.core.role.RoleArn;
import io.podium.core.session.SessionDurations;
import io.podium.core.session.SessionRequest;
import io.podium.testing.FakeIssuer;
import io.podium.testing.ManualScheduler;
import io.podium.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CredentialBrokerTest {

  private static final SessionDurations DURATIONS = SessionDurations.defaults(); // 1 h, 20 min
  private static final Executor DIRECT = Runnable::run;

  private final MutableClock clock = MutableClock.at("2026-11-27T10:00:00Z");
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final FakeIssuer issuer = new FakeIssuer(clock);
  private final CountingObserver observer = new CountingObserver();
  private ExecutorService pool;

  @AfterEach
  void stopPool() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  private CredentialBroker<String> broker(
      BrokerSettings settings, java.util.concurrent.Executor executor) {
    return new CredentialBroker<>(
        issuer,
        (request, issued, obtainedAt) -> "rendered:" + issued.credentials().accessKeyId(),
        settings,
        clock,
        scheduler,
        executor,
        observer,
        new SplittableRandom(42));
  }

  private CredentialBroker<String> directBroker() {
    return broker(BrokerSettings.defaults(DURATIONS), DIRECT);
  }

  private static SessionRequest session(String name) {
    return SessionRequest.of(
        RoleArn.parse("arn:aws:iam::123456789012:role/" + name), "ns-" + name, Duration.ofHours(1));
  }

  @Test
  void fetchesOnceAndServesFromCacheWithTheRenderedForm() throws Exception {
    CredentialBroker<String> broker = directBroker();
    SessionRequest request = session("reader");

    CachedCredentials<String> first = broker.credentials(request).get();
    CachedCredentials<String> second = broker.credentials(request).get();

    assertThat(issuer.calls()).isEqualTo(1);
    assertThat(second).isSameAs(first);
    assertThat(first.rendered()).isEqualTo("rendered:" + first.credentials().accessKeyId());
    assertThat(first.obtainedAt()).isEqualTo(clock.instant());
    assertThat(broker.cached(request)).containsSame(first);
  }

  @Test
  // Each task's result is a caller's future, which the test collects and waits for.
  @SuppressWarnings("FutureReturnValueIgnored")
  void hundredConcurrentCallersShareOneStsCall() throws Exception {
    pool = Executors.newFixedThreadPool(4);
    CredentialBroker<String> broker = broker(BrokerSettings.defaults(DURATIONS), pool);
    SessionRequest request = session("reader");
    issuer.closeGate();

    List<CompletableFuture<CachedCredentials<String>>> callers = new ArrayList<>();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService callerThreads = Executors.newVirtualThreadPerTaskExecutor();
    List<java.util.concurrent.Future<CompletableFuture<CachedCredentials<String>>>> submitted =
        new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      submitted.add(
          callerThreads.submit(
              () -> {
                start.await();
                return broker.credentials(request);
              }));
    }
    start.countDown();
    for (var future : submitted) {
      callers.add(future.get(10, TimeUnit.SECONDS));
    }
    assertThat(issuer.awaitEntered(10)).isTrue();
    assertThat(callers).noneMatch(CompletableFuture::isDone);

    issuer.openGate();

    List<CachedCredentials<String>> results = new ArrayList<>();
    for (var caller : callers) {
      results.add(caller.get(10, TimeUnit.SECONDS));
    }
    assertThat(issuer.calls()).isEqualTo(1);
    assertThat(results).allSatisfy(r -> assertThat(r).isSameAs(results.getFirst()));
    callerThreads.shutdownNow();
  }

  @Test
  void callerThatGivesUpDoesNotCancelTheCall() throws Exception {
    pool = Executors.newFixedThreadPool(2);
    CredentialBroker<String> broker = broker(BrokerSettings.defaults(DURATIONS), pool);
    SessionRequest request = session("reader");
    issuer.closeGate();

    CompletableFuture<CachedCredentials<String>> impatient = broker.credentials(request);
    CompletableFuture<CachedCredentials<String>> patient = broker.credentials(request);
    assertThat(issuer.awaitEntered(10)).isTrue();
    impatient.cancel(true);
    assertThatThrownBy(() -> impatient.get(10, TimeUnit.MILLISECONDS))
        .isInstanceOf(java.util.concurrent.CancellationException.class);

    issuer.openGate();

    CachedCredentials<String> credentials = patient.get(10, TimeUnit.SECONDS);
    assertThat(broker.cached(request)).containsSame(credentials);
    assertThat(issuer.calls()).isEqualTo(1);
  }

  @Test
  void callerTimingOutLeavesTheCallToFillTheCache() throws Exception {
    pool = Executors.newFixedThreadPool(2);
    CredentialBroker<String> broker = broker(BrokerSettings.defaults(DURATIONS), pool);
    SessionRequest request = session("reader");
    issuer.closeGate();

    CompletableFuture<CachedCredentials<String>> caller = broker.credentials(request);
    assertThatThrownBy(() -> caller.orTimeout(20, TimeUnit.MILLISECONDS).get())
        .hasCauseInstanceOf(TimeoutException.class);

    issuer.openGate();

    await().atMost(Duration.ofSeconds(10)).until(() -> broker.cached(request).isPresent());
    assertThat(issuer.calls()).isEqualTo(1);
  }

  @Test
  void holdPrefetchesWithoutAnyCaller() {
    CredentialBroker<String> broker = directBroker();
    SessionRequest request = session("reader");

    broker.hold(request);

    assertThat(issuer.calls(request)).isEqualTo(1);
    assertThat(broker.cached(request)).isPresent();
  }

  @Test
  void refreshesBeforeCredentialsFallUnderMinRemaining() {
    CredentialBroker<String> broker = directBroker();
    SessionRequest request = session("reader");
    broker.hold(request);
    Instant firstExpiry = broker.cached(request).orElseThrow().expiration();

    // Servable for 40 min (60 - 20); refresh lands between 70% and 85% of that: 28 to 34 min.
    scheduler.advance(Duration.ofMinutes(28).minusSeconds(1));
    assertThat(issuer.calls(request)).isEqualTo(1);
    scheduler.advance(Duration.ofMinutes(6).plusSeconds(2));
    assertThat(issuer.calls(request)).isEqualTo(2);
    assertThat(broker.cached(request).orElseThrow().expiration()).isAfter(firstExpiry);
  }

  @Test
  void thousandSessionsExpiringTogetherAreNeverServedUnderMinRemaining() {
    // A tight STS budget: 5 calls/s, so 1,000 refreshes need 200 s and must be spread out.
    BrokerSettings settings =
        new BrokerSettings(
            DURATIONS,
            Duration.ofSeconds(30),
            Duration.ofSeconds(1),
            Duration.ofSeconds(60),
            5,
            5,
            8,
            DURATIONS.session(),
            Duration.ofMinutes(1));
    CredentialBroker<String> broker = broker(settings, DIRECT);
    List<SessionRequest> requests = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      requests.add(session("role-" + i));
    }
    requests.forEach(broker::hold);
    scheduler.advance(Duration.ofSeconds(201)); // the initial fill, at 5 per second
    assertThat(issuer.calls()).isEqualTo(1000);

    for (int second = 0; second < 4 * 3600; second += 5) {
      scheduler.advance(Duration.ofSeconds(5));
      Instant now = clock.instant();
      for (SessionRequest request : requests) {
        Optional<CachedCredentials<String>> cached = broker.cached(request);
        assertThat(cached).as("session %s at %s", request.sessionName(), now).isPresent();
        assertThat(cached.get().remainingAt(now)).isGreaterThanOrEqualTo(DURATIONS.minRemaining());
      }
    }
    // Each session refreshes every 28-34 min: over 4 h, 7 to 9 refreshes, never more.
    assertThat(issuer.calls()).isBetween(1000 + 7 * 1000, 1000 + 9 * 1000);
    assertThat(observer.servedDuringOutage.get()).isZero();
  }

  @Test
  void failedCallsBackOffExponentiallyWithJitter() {
    CredentialBroker<String> broker = directBroker();
    SessionRequest request = session("reader");
    issuer.failWith(FakeIssuer::unavailable);

    broker.hold(request);
    assertThat(issuer.calls(request)).isEqualTo(1);

    // Delays of 0.5-1 s, 1-2 s, 2-4 s, 4-8 s and 8-16 s: the sixth attempt comes between 15.5 s
    // and 31 s, the seventh not before 31.5 s.
    scheduler.advance(Duration.ofSeconds(31));
    assertThat(issuer.calls(request)).isEqualTo(6);
    // Capped at 60 s: over the next 10 minutes, at least 10 and at most 20 more.
    int before = issuer.calls(request);
    scheduler.advance(Duration.ofMinutes(10));
    assertThat(issuer.calls(request) - before).isBetween(10, 20);
  }

  @Test
  void accessDeniedIsAnsweredFromMemoryUntilTheNegativeCacheExpires() throws Exception {
    CredentialBroker<String> broker = directBroker();
    SessionRequest request = session("forbidden");
    issuer.failWith(FakeIssuer::accessDenied);

    assertThatThrownBy(() -> broker.credentials(request).get())
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(StsCallException.AccessDenied.class);
    assertThat(issuer.calls(request)).isEqualTo(1);

    for (int i = 0; i < 50; i++) {
      assertThatThrownBy(() -> broker.credentials(request).get())
          .hasCauseInstanceOf(StsCallException.AccessDenied.class);
    }
    scheduler.advance(Duration.ofSeconds(29));
    assertThatThrownBy(() -> broker.credentials(request).get())
        .hasCauseInstanceOf(StsCallException.AccessDenied.class);
    assertThat(issuer.calls(request)).isEqualTo(1);
    assertThat(observer.negativeHits.get()).isEqualTo(51);

    issuer.failWith(null); // the trust policy was fixed
    scheduler.advance(Duration.ofSeconds(2));
    assertThat(broker.credentials(request).get()).isNotNull();
    assertThat(issuer.calls(request)).isEqualTo(2);
  }

  @Test
  void keepsServingValidCredentialsWhileStsIsDown() throws Exception {
    CredentialBroker<String> broker = directBroker();
    SessionRequest request = session("reader");
    broker.hold(request);
    CachedCredentials<String> issued = broker.cached(request).orElseThrow();
    issuer.failWith(FakeIssuer::unavailable);

    // Past the refresh point and past --min-remaining (40 min): refreshing fails throughout.
    scheduler.advance(Duration.ofMinutes(45));
    assertThat(issuer.calls(request)).isGreaterThan(1);
    assertThat(broker.cached(request)).containsSame(issued);
    assertThat(broker.credentials(request).get()).isSameAs(issued);
    assertThat(observer.servedDuringOutage.get()).isGreaterThanOrEqualTo(2);

    // Below the outage floor (1 min left) nothing is served: a caller waits for the next attempt.
    scheduler.advance(Duration.ofMinutes(14).plusSeconds(30));
    assertThat(broker.cached(request)).isEmpty();
    CompletableFuture<CachedCredentials<String>> waiting = broker.credentials(request);
    assertThat(waiting).isNotDone();

    issuer.failWith(null);
    scheduler.advance(Duration.ofMinutes(2));
    assertThat(waiting).isCompleted();
    assertThat(waiting.get()).isNotSameAs(issued);
    assertThat(broker.cached(request)).containsSame(waiting.get());
  }

  @Test
  void credentialsUnderMinRemainingWaitForTheRefreshInsteadOfBeingServed() throws Exception {
    pool = Executors.newFixedThreadPool(2);
    CredentialBroker<String> broker = broker(BrokerSettings.defaults(DURATIONS), pool);
    SessionRequest request = session("reader");
    broker.hold(request);
    await().atMost(Duration.ofSeconds(10)).until(() -> broker.cached(request).isPresent());
    CachedCredentials<String> first = broker.cached(request).orElseThrow();

    // The refresh (28-34 min) hangs in STS; at 41 min the old credentials are too old to hand out.
    issuer.closeGate();
    scheduler.advance(Duration.ofMinutes(35));
    assertThat(issuer.awaitEntered(10)).isTrue();
    scheduler.advance(Duration.ofMinutes(6));
    assertThat(broker.cached(request)).isEmpty();
    CompletableFuture<CachedCredentials<String>> caller = broker.credentials(request);
    assertThat(caller).isNotDone();

    issuer.openGate();

    CachedCredentials<String> served = caller.get(10, TimeUnit.SECONDS);
    assertThat(served).isNotSameAs(first);
    assertThat(served.remainingAt(clock.instant()))
        .isGreaterThanOrEqualTo(DURATIONS.minRemaining());
    assertThat(issuer.calls(request)).isEqualTo(2);
  }

  @Test
  void releasedSessionsStopBeingRefreshedAndAreEvicted() {
    CredentialBroker<String> broker = directBroker();
    SessionRequest request = session("reader");
    broker.hold(request);
    broker.release(request);

    scheduler.advance(Duration.ofHours(3));

    assertThat(issuer.calls(request)).isEqualTo(1);
    assertThat(broker.sessionCount()).isZero();
    assertThat(observer.evicted.get()).isEqualTo(1);
  }

  @Test
  void releasedSessionIsDroppedAtItsNextRefreshEvenWhenItsPodsAskedForIt() throws Exception {
    CredentialBroker<String> broker = directBroker();
    SessionRequest request = session("reader");
    broker.hold(request);
    scheduler.advance(Duration.ofMinutes(5));
    assertThat(broker.credentials(request).get()).isNotNull();

    broker.release(request);
    scheduler.advance(Duration.ofHours(3));

    assertThat(issuer.calls(request)).isEqualTo(1);
    assertThat(broker.sessionCount()).isZero();
  }

  @Test
  void sessionAskedForAfterItsLastReleaseKeepsRefreshingWhileAskedFor() throws Exception {
    CredentialBroker<String> broker = directBroker();
    SessionRequest request = session("reader");
    broker.hold(request);
    broker.release(request);
    scheduler.advance(Duration.ofMinutes(5));
    // A caller no prefetch source knows about still uses it.
    assertThat(broker.credentials(request).get()).isNotNull();

    scheduler.advance(Duration.ofMinutes(35));

    assertThat(issuer.calls(request)).isEqualTo(2);
    assertThat(broker.cached(request)).isPresent();
  }

  @Test
  void sessionStillHeldByAnotherPodKeepsRefreshing() {
    CredentialBroker<String> broker = directBroker();
    SessionRequest request = session("reader");
    broker.hold(request);
    broker.hold(request);
    broker.release(request);

    scheduler.advance(Duration.ofHours(3));

    assertThat(issuer.calls(request)).isGreaterThanOrEqualTo(6);
    assertThat(broker.cached(request)).isPresent();
  }

  @Test
  void waitingCallerGoesAheadOfQueuedPrefetches() throws Exception {
    // One call per second: 20 prefetches queue up; a caller for a new session must not wait
    // behind them.
    BrokerSettings settings =
        new BrokerSettings(
            DURATIONS,
            Duration.ofSeconds(30),
            Duration.ofSeconds(1),
            Duration.ofSeconds(60),
            1,
            1,
            1,
            DURATIONS.session(),
            Duration.ofMinutes(1));
    CredentialBroker<String> broker = broker(settings, DIRECT);
    for (int i = 0; i < 20; i++) {
      broker.hold(session("prefetched-" + i));
    }
    assertThat(issuer.calls()).isEqualTo(1);

    CompletableFuture<CachedCredentials<String>> caller = broker.credentials(session("urgent"));
    scheduler.advance(Duration.ofSeconds(1));

    assertThat(caller).isCompleted();
    assertThat(issuer.calls()).isEqualTo(2);
  }

  private static BrokerSettings rateLimited(double callsPerSecond, int burst) {
    return new BrokerSettings(
        DURATIONS,
        Duration.ofSeconds(30),
        Duration.ofSeconds(1),
        Duration.ofSeconds(60),
        callsPerSecond,
        burst,
        16,
        DURATIONS.session(),
        Duration.ofMinutes(1));
  }

  private static StsCallException.Throttled throttled() {
    return new StsCallException.Throttled("Throttling", "Rate exceeded", null);
  }

  @Test
  void stsThrottlingHalvesTheRateOnceASecondAndQuietSecondsGiveItBack() {
    CredentialBroker<String> broker = broker(rateLimited(10, 10), DIRECT);
    assertThat(broker.stsCallRate()).isEqualTo(10.0);

    issuer.failWith(CredentialBrokerTest::throttled);
    broker.hold(session("a"));
    assertThat(broker.stsCallRate()).isEqualTo(5.0);
    // Throttled again within the second (calls in flight meet the same busy STS): no second cut.
    broker.hold(session("b"));
    scheduler.advance(Duration.ofMillis(200));
    assertThat(issuer.calls()).isEqualTo(2);
    assertThat(broker.stsCallRate()).isEqualTo(5.0);

    issuer.failWith(null);
    scheduler.advance(Duration.ofMillis(800));
    assertThat(broker.stsCallRate()).isEqualTo(6.0);
    scheduler.advance(Duration.ofSeconds(10));
    assertThat(broker.stsCallRate()).isEqualTo(10.0);
  }

  @Test
  void afterThrottlingCallsStartAtTheLowerRateWithoutTheSavedUpBurst() {
    CredentialBroker<String> broker = broker(rateLimited(10, 10), DIRECT);
    issuer.failWith(CredentialBrokerTest::throttled);
    broker.hold(session("throttled"));
    issuer.failWith(null);

    for (int i = 0; i < 20; i++) {
      broker.hold(session("new-" + i));
    }
    for (int step = 0; step < 9; step++) {
      scheduler.advance(Duration.ofMillis(100));
    }

    // 5 calls a second and no burst: 4 calls in 0.9 s (at 10 a second with the 9 tokens left,
    // 18 would have started).
    int started = 0;
    for (int i = 0; i < 20; i++) {
      started += issuer.calls(session("new-" + i));
    }
    assertThat(started).isBetween(3, 5);
  }

  @Test
  void stsThrottlingNeverSlowsCallsBelowOneASecond() {
    CredentialBroker<String> broker = broker(rateLimited(3, 3), DIRECT);
    issuer.failWith(CredentialBrokerTest::throttled);
    for (int second = 0; second < 5; second++) {
      broker.hold(session("s-" + second));
      scheduler.advance(Duration.ofSeconds(1));
    }
    assertThat(broker.stsCallRate()).isEqualTo(1.0);
  }

  @Test
  void distinctSessionInputsNeverShareCredentials() throws Exception {
    CredentialBroker<String> broker = directBroker();
    RoleArn role = RoleArn.parse("arn:aws:iam::123456789012:role/reader");
    SessionRequest plain = SessionRequest.of(role, "ns-web", Duration.ofHours(1));
    SessionRequest withExternalId =
        new SessionRequest(role, "ns-web", "ext-1", Duration.ofHours(1), java.util.Map.of(), null);

    CachedCredentials<String> a = broker.credentials(plain).get();
    CachedCredentials<String> b = broker.credentials(withExternalId).get();

    assertThat(a.credentials().accessKeyId()).isNotEqualTo(b.credentials().accessKeyId());
    assertThat(issuer.calls()).isEqualTo(2);
  }

  private static final class CountingObserver implements BrokerObserver {
    final AtomicInteger hits = new AtomicInteger();
    final AtomicInteger misses = new AtomicInteger();
    final AtomicInteger negativeHits = new AtomicInteger();
    final AtomicInteger servedDuringOutage = new AtomicInteger();
    final AtomicInteger evicted = new AtomicInteger();

    @Override
    public void cacheHit() {
      hits.incrementAndGet();
    }

    @Override
    public void cacheMiss() {
      misses.incrementAndGet();
    }

    @Override
    public void negativeCacheHit() {
      negativeHits.incrementAndGet();
    }

    @Override
    public void servedDuringOutage() {
      servedDuringOutage.incrementAndGet();
    }

    @Override
    public void sessionEvicted() {
      evicted.incrementAndGet();
    }
  }
}
