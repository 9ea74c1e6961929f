package io.podium.oidc;

/** The signing keys could not be read; the message says from where and why. */
public final class KeySourceException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public KeySourceException(String message, Throwable cause) {
    super(message, cause);
  }
}
