package io.podium.oidc;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** A signing-key file that cannot be used, naming the file and the problem. */
public final class InvalidKeyFileException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String reason;

  InvalidKeyFileException(Path file, String problem, @Nullable Throwable cause) {
    super("key file " + file + " " + problem, cause);
    this.reason = "key file " + file + " " + problem;
  }

  /**
   * The file and what is wrong with it; never null, unlike the message of an exception in general.
   */
  @Override
  public String getMessage() {
    return reason;
  }
}
