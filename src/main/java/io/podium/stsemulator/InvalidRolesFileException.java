package io.podium.stsemulator;

import java.nio.file.Path;

/** A roles file that cannot be used; the message names the file and what to fix. */
public final class InvalidRolesFileException extends IllegalArgumentException {

  InvalidRolesFileException(Path file, String problem) {
    super("roles file " + file + ": " + problem);
  }

  InvalidRolesFileException(Path file, String problem, Throwable cause) {
    super("roles file " + file + ": " + problem, cause);
  }
}
