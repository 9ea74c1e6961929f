package io.podium.oidc;

import org.jspecify.annotations.Nullable;

/** The signing keys could not be read; the message says from where and why. */
public final class KeySourceException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public KeySourceException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
