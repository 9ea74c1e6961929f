package io.podium.cli;

import io.podium.kubernetes.InvalidPodsFileException;
import java.io.PrintWriter;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * An exception that ends a command, told in one line on stderr (and the log) instead of a stack
 * trace: exit code 2 for a file the user named that cannot be used (the pods file), 1 for anything
 * else. {@code --debug} adds the stack trace.
 */
final class StartFailures implements CommandLine.IExecutionExceptionHandler {

  /** A command that cannot start for a reason its message gives in full: no type name needed. */
  static final class CannotStart extends RuntimeException {
    CannotStart(String message, Throwable cause) {
      super(message, cause);
    }

    CannotStart(String message) {
      super(message);
    }
  }

  @Override
  public int handleExecutionException(
      Exception failure, CommandLine commandLine, CommandLine.ParseResult parsed) {
    CommandSpec command = commandLine.getCommandSpec();
    boolean debug = PodiumCommand.debug(command);
    String message = describe(failure);
    var log = LoggerFactory.getLogger(command.userObject().getClass());
    if (debug) {
      log.error("cannot start: {}", message, failure);
    } else {
      log.error("cannot start: {}", message);
    }
    boolean explained =
        failure instanceof CannotStart || failure instanceof InvalidPodsFileException;
    PrintWriter err = commandLine.getErr();
    err.println(
        UserErrors.prefix(command)
            + message
            + (debug || explained ? "" : " (--debug shows the stack trace)"));
    // With --debug the stack trace is in the log line above, once.
    err.flush();
    return failure instanceof InvalidPodsFileException
        ? command.exitCodeOnInvalidInput()
        : command.exitCodeOnExecutionException();
  }

  /** The failure's message and its causes', without repeating one that is already included. */
  @SuppressWarnings("ReferenceEquality") // the failure itself, not one equal to it
  static String describe(Throwable failure) {
    if (failure instanceof CannotStart || failure instanceof InvalidPodsFileException) {
      return failure.getMessage();
    }
    StringBuilder text = new StringBuilder();
    Throwable current = failure;
    int depth = 0;
    while (current != null && depth++ < 5) {
      String message = current.getMessage();
      String part =
          message == null || message.isBlank()
              ? current.getClass().getSimpleName()
              : (current == failure && isPlain(current)
                  ? message
                  : current.getClass().getSimpleName() + ": " + message);
      if (text.isEmpty()) {
        text.append(part);
      } else if (message != null && !text.toString().contains(message)) {
        text.append(" (").append(part).append(')');
      }
      current = current.getCause();
    }
    return text.toString();
  }

  /** Exceptions whose message reads on its own, without the type's name. */
  private static boolean isPlain(Throwable failure) {
    return failure instanceof IllegalStateException || failure instanceof IllegalArgumentException;
  }
}
