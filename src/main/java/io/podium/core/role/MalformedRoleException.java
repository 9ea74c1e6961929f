package io.podium.core.role;

/** A role name or ARN that cannot be used; the message says why, for events and responses. */
public final class MalformedRoleException extends IllegalArgumentException {
  public MalformedRoleException(String reason) {
    super(reason);
  }
}
