package io.podium.interception;

/**
 * The interception rule could not be read, written or removed: a program is missing, failed, or
 * printed something Podium cannot read. The message names the program and what it said.
 */
public final class InterceptionException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public InterceptionException(String message) {
    super(message);
  }

  public InterceptionException(String message, Throwable cause) {
    super(message, cause);
  }
}
