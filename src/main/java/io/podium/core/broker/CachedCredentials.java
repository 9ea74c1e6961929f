package io.podium.core.broker;

import io.podium.core.session.SessionRequest;
import java.time.Duration;
import java.time.Instant;

/**
 * Credentials held by the broker for one session, with the form the serving adapter renders them
 * to, computed once per refresh rather than once per request.
 *
 * @param obtainedAt when STS issued them (the metadata API's {@code LastUpdated})
 * @param rendered the serving adapter's form, made once by its {@link CredentialsRenderer}
 * @param <R> the rendered form's type
 */
public record CachedCredentials<R>(
    SessionRequest request, IssuedCredentials issued, Instant obtainedAt, R rendered) {

  public Credentials credentials() {
    return issued.credentials();
  }

  public Instant expiration() {
    return issued.credentials().expiration();
  }

  public Duration remainingAt(Instant now) {
    return issued.credentials().remainingAt(now);
  }
}
