package io.podium.containercredentials;

import io.podium.core.pod.PodClaim;
import java.time.Instant;

/** What a service-account token proves, decided before anything about roles or STS. */
sealed interface TokenVerdict {

  /** Signed by the cluster for the configured audience, valid now, bound to {@code claim}'s pod. */
  record Valid(PodClaim claim, Instant expiration) implements TokenVerdict {}

  /** Not a JWT at all (400). */
  record Malformed(String reason) implements TokenVerdict {}

  /** A JWT that proves nothing here (403); {@code reason} never quotes the token. */
  record Refused(TokenRefusal kind, String reason) implements TokenVerdict {}

  /** No signing keys known yet: nothing can be verified (503). */
  record NoKeys(String reason) implements TokenVerdict {}
}
