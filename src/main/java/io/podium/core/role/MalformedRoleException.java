package io.podium.core.role;

/** A role name or ARN that cannot be used; the message says why, for events and responses. */
public final class MalformedRoleException extends IllegalArgumentException {
  private final String reason;

  public MalformedRoleException(String reason) {
    super(reason);
    this.reason = reason;
  }

  /** Why the role cannot be used; never null, unlike the message of an exception in general. */
  @Override
  public String getMessage() {
    return reason;
  }
}
