package io.podium.containercredentials;

import com.nimbusds.jose.jwk.JWK;
import io.podium.core.broker.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@link ServiceAccountKeys} current from a source that is read, not pushed (the API server's
 * JWKS, key files): once at start, then every interval, and soon after a token names a key not in
 * force (a rotation), at most once per {@link #MIN_EARLY_READ_INTERVAL}. A failed read keeps the
 * keys in force and is logged once per distinct failure; reads run on the scheduler's thread, never
 * on a request's.
 */
public final class KeyRefresher implements AutoCloseable {

  /** The least time between reads a token with an unknown key may ask for. */
  static final Duration MIN_EARLY_READ_INTERVAL = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(KeyRefresher.class);

  /** Where keys are read from. */
  @FunctionalInterface
  public interface Reader {

    /**
     * The keys now.
     *
     * @throws RuntimeException when they cannot be read, saying why
     */
    Keys read();
  }

  /**
   * What a read found.
   *
   * @param issuers accepted {@code iss} values; empty accepts any
   */
  public record Keys(List<JWK> keys, Set<String> issuers) {
    public Keys {
      keys = List.copyOf(keys);
      issuers = Set.copyOf(issuers);
    }
  }

  private final ServiceAccountKeys target;
  private final Reader reader;
  private final Scheduler scheduler;
  private final Duration interval;
  private final Clock clock;
  private final String source;
  private Scheduler.Cancellable next; // guarded by this
  private Instant lastRead = Instant.MIN; // guarded by this
  private boolean earlyReadPending; // guarded by this
  private String lastProblem; // guarded by this
  private boolean closed; // guarded by this

  /**
   * @param source what {@code reader} reads, for log lines
   */
  public KeyRefresher(
      ServiceAccountKeys target,
      Reader reader,
      Scheduler scheduler,
      Duration interval,
      Clock clock,
      String source) {
    this.target = target;
    this.reader = reader;
    this.scheduler = scheduler;
    this.interval = interval;
    this.clock = clock;
    this.source = Objects.requireNonNull(source, "source");
    target.onUnknownKey(this::readSoon);
  }

  /**
   * Reads once now (a failure is logged, not thrown: the endpoint answers 503 until keys arrive),
   * then every interval.
   */
  public void start() {
    readNow();
  }

  /** Whether keys are in force. */
  public boolean ready() {
    return target.current().isPresent();
  }

  private void readNow() {
    synchronized (this) {
      if (closed) {
        return;
      }
      earlyReadPending = false;
      lastRead = clock.instant();
    }
    try {
      Keys keys = reader.read();
      if (keys.keys().isEmpty()) {
        throw new IllegalStateException(source + " lists no signing keys");
      }
      if (target.replace(keys.keys(), keys.issuers())) {
        log.info(
            "Service-account signing keys from {}: {} (issuers {})",
            source,
            keys.keys().stream().map(JWK::getKeyID).toList(),
            keys.issuers().isEmpty() ? "any" : keys.issuers());
      }
      synchronized (this) {
        lastProblem = null;
      }
    } catch (RuntimeException e) {
      String problem = String.valueOf(e.getMessage());
      synchronized (this) {
        if (!problem.equals(lastProblem)) {
          log.warn(
              "Cannot read the service-account signing keys from {}: {}; {}",
              source,
              problem,
              target.current().isPresent()
                  ? "keeping the keys read before"
                  : "container-credentials requests get 503 until they can be read");
          lastProblem = problem;
        }
      }
    } finally {
      schedule(interval);
    }
  }

  private synchronized void readSoon() {
    if (closed || earlyReadPending) {
      return;
    }
    Instant earliest = lastRead.plus(MIN_EARLY_READ_INTERVAL);
    Instant now = clock.instant();
    earlyReadPending = true;
    schedule(now.isBefore(earliest) ? Duration.between(now, earliest) : Duration.ZERO);
  }

  private synchronized void schedule(Duration delay) {
    if (closed) {
      return;
    }
    if (next != null) {
      next.cancel();
    }
    next = scheduler.schedule(delay, this::readNow);
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (next != null) {
      next.cancel();
    }
  }
}
