package io.podium.core.broker;

import io.podium.core.session.SessionRequest;
import java.time.Instant;

/**
 * Renders credentials into a serving adapter's wire form. The broker calls it once per refresh on
 * its own threads, so that requests only copy prepared bytes.
 *
 * @param <R> the rendered form
 */
@FunctionalInterface
public interface CredentialsRenderer<R> {
  R render(SessionRequest request, IssuedCredentials issued, Instant obtainedAt);
}
