package io.podium.kubernetes;

import java.nio.file.Path;

/** A pods file that cannot be used; the message names the file and what to fix. */
public final class InvalidPodsFileException extends IllegalArgumentException {

  private final transient Path file;
  private final String problem;

  InvalidPodsFileException(Path file, String problem) {
    super("pods file " + file + ": " + problem);
    this.file = file;
    this.problem = problem;
  }

  InvalidPodsFileException(Path file, String problem, Throwable cause) {
    super("pods file " + file + ": " + problem, cause);
    this.file = file;
    this.problem = problem;
  }

  /** The file that cannot be used. */
  public Path file() {
    return file;
  }

  /** What is wrong with it, e.g. {@code is not valid YAML: … at line 3, column 1}. */
  public String problem() {
    return problem;
  }
}
