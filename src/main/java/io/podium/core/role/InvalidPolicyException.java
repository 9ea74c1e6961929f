package io.podium.core.role;

/** A namespace policy annotation that cannot be used; the message says what to fix. */
public final class InvalidPolicyException extends IllegalArgumentException {
  public InvalidPolicyException(String reason) {
    super(reason);
  }
}
