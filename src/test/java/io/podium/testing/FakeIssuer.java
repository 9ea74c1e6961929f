package io.podium.testing;

import io.podium.core.broker.CredentialIssuer;
import io.podium.core.broker.Credentials;
import io.podium.core.broker.IssuedCredentials;
import io.podium.core.broker.StsCallException;
import io.podium.core.session.SessionRequest;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * An in-memory {@link CredentialIssuer} for broker tests: issues unique credentials that last the
 * requested duration on the test's clock, counts calls, and fails or blocks on demand.
 */
public final class FakeIssuer implements CredentialIssuer {

  private final Clock clock;
  private final AtomicInteger calls = new AtomicInteger();
  private final Map<SessionRequest, AtomicInteger> callsPerRequest = new ConcurrentHashMap<>();
  private final AtomicReference<Supplier<StsCallException>> failure = new AtomicReference<>();
  private volatile CountDownLatch gate;
  private volatile CountDownLatch entered = new CountDownLatch(0);

  public FakeIssuer(Clock clock) {
    this.clock = clock;
  }

  @Override
  public IssuedCredentials issue(SessionRequest request) {
    int n = calls.incrementAndGet();
    callsPerRequest.computeIfAbsent(request, r -> new AtomicInteger()).incrementAndGet();
    entered.countDown();
    CountDownLatch currentGate = gate;
    if (currentGate != null) {
      try {
        if (!currentGate.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("test gate never opened");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    Supplier<StsCallException> failing = failure.get();
    if (failing != null) {
      throw failing.get();
    }
    Credentials credentials =
        new Credentials(
            "ASIAFAKE" + String.format("%012d", n),
            "secret-" + n + "-" + request.sessionName(),
            "token-" + n + "-" + request.sessionName(),
            clock.instant().plus(request.duration()));
    return new IssuedCredentials(credentials, assumedRoleArn(request));
  }

  /** The ARN STS names the session of {@code request} by, as AssumeRole returns it. */
  public static String assumedRoleArn(SessionRequest request) {
    return "arn:aws:sts::"
        + request.role().accountId()
        + ":assumed-role/"
        + request.role().name()
        + "/"
        + request.sessionName();
  }

  /** Every later call fails with what {@code failure} supplies; {@code null} heals. */
  public void failWith(Supplier<StsCallException> failure) {
    this.failure.set(failure);
  }

  /** Later calls block until {@link #openGate()}. */
  public void closeGate() {
    gate = new CountDownLatch(1);
    entered = new CountDownLatch(1);
  }

  public void openGate() {
    CountDownLatch currentGate = gate;
    gate = null;
    if (currentGate != null) {
      currentGate.countDown();
    }
  }

  /** Waits until a call has entered the issuer since the gate closed. */
  public boolean awaitEntered(long seconds) throws InterruptedException {
    return entered.await(seconds, TimeUnit.SECONDS);
  }

  public int calls() {
    return calls.get();
  }

  public int calls(SessionRequest request) {
    AtomicInteger n = callsPerRequest.get(request);
    return n == null ? 0 : n.get();
  }

  public static StsCallException.AccessDenied accessDenied() {
    return new StsCallException.AccessDenied(
        "AccessDenied", "not authorized to perform sts:AssumeRole", null);
  }

  public static StsCallException.Unavailable unavailable() {
    return new StsCallException.Unavailable("ServiceUnavailable", "STS is down", null);
  }
}
