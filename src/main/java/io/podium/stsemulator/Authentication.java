package io.podium.stsemulator;

import java.util.Optional;

/** The outcome of checking a request's signature. */
sealed interface Authentication {

  /** The signature is good and made by {@code caller}. */
  record Authenticated(Caller caller) implements Authentication {}

  /** The request is refused; {@code accessKeyId} is the key it claimed, for the log. */
  record Rejected(StsError error, Optional<String> accessKeyId) implements Authentication {}
}
