package io.podium.aws;

/**
 * Podium's own base credentials could not be loaded. A type of our own so that this case is told
 * apart from an I/O error on the STS call by its type, never by the SDK's message text.
 */
final class BaseCredentialsException extends RuntimeException {

  BaseCredentialsException(Throwable cause) {
    super("could not load Podium's own AWS credentials: " + describe(cause), cause);
  }

  private static String describe(Throwable cause) {
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
