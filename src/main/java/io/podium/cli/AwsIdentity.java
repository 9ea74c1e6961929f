package io.podium.cli;

import io.podium.ops.Health;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Podium's own AWS identity, asked of STS (GetCallerIdentity) at start so that the start-up line
 * says as whom Podium assumes pods' roles. Until STS has answered, readiness fails and says why (no
 * credentials, access denied, STS unreachable), and the question is asked again every {@link
 * #RETRY}: a Podium that cannot call STS does not take pods.
 */
final class AwsIdentity implements AutoCloseable {

  /** How often a failed question is asked again. */
  static final Duration RETRY = Duration.ofSeconds(30);

  /** How long the start-up line waits for the first answer; the question carries on after. */
  static final Duration START_WAIT = Duration.ofSeconds(5);

  private static final int MAX_FAILURE = 160;

  private static final Logger log = LoggerFactory.getLogger(AwsIdentity.class);

  private final Supplier<String> lookup;
  private final ScheduledExecutorService timers;
  private volatile String arn;
  private volatile String failure = "STS has not answered yet";
  private volatile boolean failedBefore;
  private ScheduledFuture<?> retry;
  private boolean closed;

  /**
   * @param lookup GetCallerIdentity with the credentials that sign AssumeRole; throws saying why
   * @param timers where later attempts run
   */
  AwsIdentity(Supplier<String> lookup, ScheduledExecutorService timers, Health health) {
    this.lookup = lookup;
    this.timers = timers;
    health.ready(
        "aws-identity",
        () -> arn != null,
        () -> "STS has not told Podium's own AWS identity (GetCallerIdentity): " + failure);
  }

  /**
   * Asks STS on a thread of its own and waits up to {@link #START_WAIT} for the answer.
   *
   * @return the identity, or empty while it is unknown (readiness says why)
   */
  Optional<String> askAtStart() {
    CompletableFuture<Void> first =
        CompletableFuture.runAsync(this::ask, task -> Thread.ofVirtual().start(task));
    try {
      first.get(START_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // Still asking, or failed: the line says so, and readiness carries the reason.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Optional.ofNullable(arn);
  }

  /** For the start-up line: {@code as arn:…}, or why the identity is not known yet. */
  String describe() {
    String known = arn;
    return known != null
        ? "as " + known
        : "own AWS identity unknown (" + failure + "; not ready until STS answers)";
  }

  private void ask() {
    try {
      arn = lookup.get();
      if (failedBefore) {
        log.info("Podium's own AWS identity: {} (ready now)", arn);
      }
    } catch (RuntimeException e) {
      failedBefore = true;
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      // The SDK's "no credentials" lists its whole provider chain: the start-up line keeps the
      // gist.
      failure = message.length() <= MAX_FAILURE ? message : message.substring(0, MAX_FAILURE) + "…";
      log.warn(
          "GetCallerIdentity failed: {}; not ready; asking again in {} s",
          failure,
          RETRY.toSeconds());
      scheduleRetry();
    }
  }

  private synchronized void scheduleRetry() {
    if (!closed) {
      retry = timers.schedule(this::ask, RETRY.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (retry != null) {
      retry.cancel(false);
    }
  }
}
