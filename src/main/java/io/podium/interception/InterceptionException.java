package io.podium.interception;

/**
 * The interception rule could not be read, written or removed: a program is missing, failed, or
 * printed something Podium cannot read. The message names the program and what it said.
 */
public final class InterceptionException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String reason;

  public InterceptionException(String message) {
    super(message);
    this.reason = message;
  }

  public InterceptionException(String message, Throwable cause) {
    super(message, cause);
    this.reason = message;
  }

  /** Never null, unlike the message of an exception in general. */
  @Override
  public String getMessage() {
    return reason;
  }
}
