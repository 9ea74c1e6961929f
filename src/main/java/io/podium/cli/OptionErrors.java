package io.podium.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Errors in what was typed: picocli prints the message and the command's usage, and exits with 2.
 * Messages name the option and say what to write instead.
 */
final class OptionErrors {

  private OptionErrors() {}

  /** An error in {@code command}'s options. */
  static ParameterException invalid(CommandSpec command, String message) {
    return new ParameterException(command.commandLine(), message);
  }

  /** A settings check's refusal as an error in {@code command}'s options, with its message. */
  static ParameterException invalid(CommandSpec command, IllegalArgumentException refusal) {
    return new ParameterException(command.commandLine(), refusal.getMessage(), refusal);
  }
}
