package io.podium.oidc;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code podium oidc sync}: a publishing pass at start and then every interval, so that the JWKS
 * follows the cluster's key rotations. A failed pass is logged and counted; the next one tries
 * again. The process is ready while its last success is recent.
 */
public final class OidcSync implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(OidcSync.class);

  private final OidcPublisher publisher;
  private final OidcMetrics metrics;
  private final Clock clock;
  private final Duration interval;
  private final ScheduledExecutorService timer;
  private final AtomicReference<Instant> lastSuccess = new AtomicReference<>();
  private @Nullable ScheduledFuture<?> task;

  public OidcSync(
      OidcPublisher publisher,
      OidcMetrics metrics,
      Clock clock,
      Duration interval,
      ScheduledExecutorService timer) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("the sync interval must be positive");
    }
    this.publisher = publisher;
    this.metrics = metrics;
    this.clock = clock;
    this.interval = interval;
    this.timer = timer;
  }

  /** Starts the passes: the first at once. */
  public synchronized void start() {
    if (task == null) {
      task =
          timer.scheduleWithFixedDelay(
              this::runOnce, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** One pass, now; what the timer runs. Never throws. */
  public void runOnce() {
    Instant started = clock.instant();
    try {
      OidcPublisher.Pass pass = publisher.publishOnce();
      Instant now = clock.instant();
      metrics.succeeded(pass, Duration.between(started, now), now);
      lastSuccess.set(now);
      if (pass.policy() instanceof PolicyOutcome.NeedsSomeoneElse needs) {
        log.warn("{}:\n{}", needs.reason(), needs.policy());
      }
    } catch (KeySourceException | PublishException e) {
      metrics.failed(Duration.between(started, clock.instant()));
      log.error("Sync failed: {}", e.getMessage());
    } catch (RuntimeException e) {
      metrics.failed(Duration.between(started, clock.instant()));
      log.error("Sync failed unexpectedly", e);
    }
  }

  /** Whether a pass succeeded within the last three intervals (and at least once). */
  public boolean healthy() {
    Instant last = lastSuccess.get();
    return last != null && last.plus(interval.multipliedBy(3)).isAfter(clock.instant());
  }

  @Override
  public synchronized void close() {
    if (task != null) {
      task.cancel(false);
    }
  }
}
