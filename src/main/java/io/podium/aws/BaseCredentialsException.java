package io.podium.aws;

/**
 * Podium's own base credentials could not be loaded. A type of our own so that this case is told
 * apart from an I/O error on the STS call by its type, never by the SDK's message text.
 */
final class BaseCredentialsException extends RuntimeException {

  private final String reason;

  BaseCredentialsException(Throwable cause) {
    super("could not load Podium's own AWS credentials: " + describe(cause), cause);
    this.reason = "could not load Podium's own AWS credentials: " + describe(cause);
  }

  /** Never null, unlike the message of an exception in general. */
  @Override
  public String getMessage() {
    return reason;
  }

  private static String describe(Throwable cause) {
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
