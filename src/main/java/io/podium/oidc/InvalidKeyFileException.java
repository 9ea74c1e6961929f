package io.podium.oidc;

import java.nio.file.Path;

/** A signing-key file that cannot be used, naming the file and the problem. */
public final class InvalidKeyFileException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  InvalidKeyFileException(Path file, String problem, Throwable cause) {
    super("key file " + file + " " + problem, cause);
  }
}
