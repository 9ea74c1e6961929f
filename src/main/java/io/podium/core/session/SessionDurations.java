package io.podium.core.session;

import java.time.Duration;
import java.util.Locale;

/**
 * How long sessions last and how much validity a pod must always receive. Checked at start-up: kiam
 * users arrive with 15-minute sessions, and a {@code --min-remaining} at or above the session
 * length would make every credential too old to hand out.
 *
 * @param session the DurationSeconds asked of STS (default 1 h)
 * @param minRemaining no pod ever receives credentials with less validity left (default 20 min)
 * @param chained whether sessions are assumed through an intermediate role, which caps them at 1 h
 */
public record SessionDurations(Duration session, Duration minRemaining, boolean chained) {

  public static final Duration DEFAULT_SESSION = Duration.ofHours(1);
  public static final Duration DEFAULT_MIN_REMAINING = Duration.ofMinutes(20);
  static final Duration STS_MINIMUM = Duration.ofMinutes(15);
  static final Duration STS_MAXIMUM = Duration.ofHours(12);
  static final Duration CHAINED_MAXIMUM = Duration.ofHours(1);
  static final Duration MIN_REMAINING_FLOOR = Duration.ofMinutes(1);

  /**
   * @throws IllegalArgumentException with a message that says which flag to change and how
   */
  public SessionDurations {
    if (session.compareTo(STS_MINIMUM) < 0 || session.compareTo(STS_MAXIMUM) > 0) {
      throw new IllegalArgumentException(
          "--session-duration "
              + human(session)
              + " is outside what STS accepts: give a value from 15m to 12h");
    }
    if (chained && session.compareTo(CHAINED_MAXIMUM) > 0) {
      throw new IllegalArgumentException(
          "--session-duration "
              + human(session)
              + " exceeds the 1h that STS allows for roles assumed through --assume-role-arn"
              + " (role chaining): set --session-duration to 1h or less");
    }
    if (minRemaining.compareTo(MIN_REMAINING_FLOOR) < 0) {
      throw new IllegalArgumentException(
          "--min-remaining " + human(minRemaining) + " is too short: give at least 1m");
    }
    if (minRemaining.compareTo(session) >= 0) {
      throw new IllegalArgumentException(
          "--min-remaining "
              + human(minRemaining)
              + " must be shorter than --session-duration "
              + human(session)
              + ", or no credentials could ever be handed out: lower --min-remaining (for"
              + " 15m sessions, 5m works) or raise --session-duration");
    }
  }

  public static SessionDurations defaults() {
    return new SessionDurations(DEFAULT_SESSION, DEFAULT_MIN_REMAINING, false);
  }

  /** How long credentials may be handed out after they are issued. */
  public Duration servable() {
    return session.minus(minRemaining);
  }

  static String human(Duration d) {
    return d.toString().substring(2).toLowerCase(Locale.ROOT);
  }
}
