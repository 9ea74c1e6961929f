package io.podium.kubernetes;

import java.nio.file.Path;

/** A pods file that cannot be used; the message names the file and what to fix. */
public final class InvalidPodsFileException extends IllegalArgumentException {

  InvalidPodsFileException(Path file, String problem) {
    super("pods file " + file + ": " + problem);
  }

  InvalidPodsFileException(Path file, String problem, Throwable cause) {
    super("pods file " + file + ": " + problem, cause);
  }
}
