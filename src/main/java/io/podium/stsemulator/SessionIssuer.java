package io.podium.stsemulator;

import io.podium.core.role.RoleArn;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks roles up and mints sessions for them, applying the limits both AssumeRole actions share:
 * the role's maximum session duration and the one-hour cap on role chaining.
 */
final class SessionIssuer {

  static final int DEFAULT_DURATION_SECONDS = 3600;
  static final int CHAINED_MAX_DURATION_SECONDS = 3600;

  private static final Logger log = LoggerFactory.getLogger(SessionIssuer.class);

  private final RoleCatalog roles;
  private final SessionStore sessions;
  private final StsIds ids;
  private final Clock clock;
  private final StsStats stats;

  SessionIssuer(RoleCatalog roles, SessionStore sessions, StsIds ids, Clock clock, StsStats stats) {
    this.roles = roles;
    this.sessions = sessions;
    this.ids = ids;
    this.clock = clock;
    this.stats = stats;
  }

  /** The role's settings, or {@code denial} when no such role exists. */
  RoleDefinition requireRole(RoleArn arn, StsError denial) {
    return roles.find(arn).orElseThrow(() -> new StsException(denial));
  }

  /**
   * Issues and remembers a session.
   *
   * @param requestedSeconds DurationSeconds, already checked to be within 900..43200
   * @param chained whether the caller is itself a session (role chaining)
   */
  IssuedSession issue(
      RoleDefinition role,
      String sessionName,
      OptionalInt requestedSeconds,
      boolean chained,
      Optional<String> sourceIdentity) {
    int seconds = requestedSeconds.orElse(DEFAULT_DURATION_SECONDS);
    if (chained && seconds > CHAINED_MAX_DURATION_SECONDS) {
      throw new StsException(
          StsError.validation(
              "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by"
                  + " role chaining."));
    }
    if (seconds > role.maxSessionDuration().toSeconds()) {
      throw new StsException(
          StsError.validation(
              "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."));
    }
    Instant now = clock.instant();
    IssuedSession session =
        new IssuedSession(
            ids.sessionAccessKeyId(),
            ids.secretAccessKey(),
            ids.sessionToken(),
            role.arn(),
            sessionName,
            now.truncatedTo(ChronoUnit.SECONDS).plus(Duration.ofSeconds(seconds)),
            chained,
            sourceIdentity);
    sessions.add(session, now);
    stats.recordSessionIssued();
    log.info(
        "Issued session {} for {} until {}",
        session.accessKeyId(),
        session.assumedRoleArn(),
        session.expiration());
    return session;
  }
}
