package io.podium.core.broker;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Temporary AWS credentials for one session. Only the access key id is ever shown: {@link
 * #toString()} hides the secret key and the session token so that no log line, exception message or
 * metric can carry them by accident.
 */
public record Credentials(
    String accessKeyId, String secretAccessKey, String sessionToken, Instant expiration) {

  public Credentials {
    requireText(accessKeyId, "accessKeyId");
    requireText(secretAccessKey, "secretAccessKey");
    requireText(sessionToken, "sessionToken");
    Objects.requireNonNull(expiration, "expiration");
  }

  /** Time left before these credentials expire, negative once they have. */
  public Duration remainingAt(Instant now) {
    return Duration.between(now, expiration);
  }

  /** True while at least {@code minimum} of validity remains at {@code now}. */
  public boolean validFor(Duration minimum, Instant now) {
    return remainingAt(now).compareTo(minimum) >= 0;
  }

  @Override
  public String toString() {
    return "Credentials[accessKeyId=" + accessKeyId + ", expiration=" + expiration + "]";
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }
}
