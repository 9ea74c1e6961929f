package io.podium.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * What a user typed wrong, told in one line that names the flag and says what to do, with exit code
 * 2 and no usage dump: {@code podium standalone: Missing --region: …}. kube2iam's and kiam's flags
 * are first rewritten to Podium's ({@link OldFlags}) and the command run again; an unknown flag
 * gets the nearest known one. {@code --debug} adds the stack trace.
 */
final class UserErrors implements CommandLine.IParameterExceptionHandler {

  @Override
  public int handleParseException(ParameterException error, String[] args) {
    CommandLine commandLine = error.getCommandLine();
    CommandSpec command = commandLine.getCommandSpec();
    CommandLine root = root(commandLine);
    String message;
    try {
      // Whatever picocli tripped over first (an unknown option, a required one missing), old
      // flags are read as Podium's and the command runs again; its output has none left.
      OldFlags.Rewritten rewritten = OldFlags.rewrite(root.getCommandSpec(), args);
      if (rewritten.changed(args)) {
        PodiumCommand.deferWarnings(root, rewritten.warnings());
        return root.execute(rewritten.args().toArray(String[]::new));
      }
      // picocli reports missing required options before unknown ones; a typo comes first here,
      // as it is often why the required option looks missing.
      List<String> unknown = commandLine.getUnmatchedArguments();
      if (error instanceof UnmatchedArgumentException unmatched) {
        message = unmatched(command, unmatched);
      } else if (!unknown.isEmpty()) {
        message = unmatched(command, new UnmatchedArgumentException(commandLine, unknown));
      } else {
        message = error.getMessage();
      }
    } catch (OldFlags.Refusal refusal) {
      message = refusal.getMessage();
    }
    PrintWriter err = commandLine.getErr();
    err.println(prefix(command) + message);
    if (PodiumCommand.debug(command)) {
      error.printStackTrace(err);
    }
    err.flush();
    return command.exitCodeOnInvalidInput();
  }

  /** {@code podium standalone: }, or {@code podium oidc sync: }. */
  static String prefix(CommandSpec command) {
    return command.qualifiedName(" ") + ": ";
  }

  private static CommandLine root(CommandLine commandLine) {
    CommandLine root = commandLine;
    while (root.getParent() != null) {
      root = root.getParent();
    }
    return root;
  }

  /** Unknown options and stray arguments, each with the nearest option or a hint. */
  private static String unmatched(CommandSpec command, UnmatchedArgumentException error) {
    List<String> parts = new ArrayList<>();
    for (String token : error.getUnmatched()) {
      if (!token.startsWith("-")) {
        if (parts.isEmpty()) {
          parts.add(
              "unexpected argument '"
                  + abbreviate(token)
                  + "'"
                  + (command.subcommands().isEmpty()
                      ? ""
                      : ": the commands are " + String.join(", ", command.subcommands().keySet())));
        }
        continue;
      }
      String name = token.contains("=") ? token.substring(0, token.indexOf('=')) : token;
      parts.add(unknownOption(command, name));
    }
    if (parts.isEmpty()) {
      return error.getMessage();
    }
    return String.join("; ", parts)
        + " ("
        + command.qualifiedName(" ")
        + " --help lists every option)";
  }

  private static String unknownOption(CommandSpec command, String name) {
    Optional<OldFlags.OldFlag> elsewhere = OldFlags.elsewhere(name);
    if (elsewhere.isPresent()) {
      OldFlags.OldFlag flag = elsewhere.get();
      String where =
          switch (flag.meaning()) {
            case OldFlags.Meaning.Renamed renamed ->
                ", which " + commandsOf(flag) + " reads as " + OldFlags.firstFlag(renamed.podium());
            default -> ", for " + commandsOf(flag);
          };
      return "unknown option " + name + ": it is " + flag.origin().label() + "'s" + where;
    }
    return nearest(command, name)
        .map(candidate -> "unknown option " + name + ": did you mean " + candidate + "?")
        .orElse("unknown option " + abbreviate(name));
  }

  private static String commandsOf(OldFlags.OldFlag flag) {
    return switch (flag.origin()) {
      case KUBE2IAM -> "podium standalone";
      case KIAM_AGENT -> "podium agent";
      case KIAM_SERVER -> "podium server";
      case KIAM -> "podium agent and podium server";
    };
  }

  /** The option of {@code command} (or old flag it reads) nearest to {@code name}, if near. */
  static Optional<String> nearest(CommandSpec command, String name) {
    List<String> candidates = new ArrayList<>();
    for (OptionSpec option : command.options()) {
      if (!option.hidden()) {
        candidates.add(option.longestName());
      }
    }
    // Old flags only where they lead somewhere: a refused one is no answer to a typo.
    OldFlags.of(command).values().stream()
        .filter(flag -> flag.meaning() instanceof OldFlags.Meaning.Renamed)
        .forEach(flag -> candidates.add(flag.name()));
    String typed = name.toLowerCase(Locale.ROOT);
    return candidates.stream()
        .filter(candidate -> candidate.startsWith("--"))
        .map(candidate -> new Scored(candidate, distance(typed, candidate)))
        .filter(scored -> scored.distance() <= tolerance(typed, scored.candidate()))
        .min(Comparator.comparingInt(Scored::distance).thenComparing(Scored::candidate))
        .map(Scored::candidate)
        .or(() -> containing(candidates, typed));
  }

  private record Scored(String candidate, int distance) {}

  /** A typo is a few edits, more for longer names; words swapped or dropped count as near too. */
  private static int tolerance(String typed, String candidate) {
    return Math.max(2, Math.min(typed.length(), candidate.length()) / 4);
  }

  /** {@code --base-arn} → {@code --role-base-arn}: a candidate holding every word typed. */
  private static Optional<String> containing(List<String> candidates, String typed) {
    String[] words = typed.replaceFirst("^-+", "").split("-");
    return candidates.stream()
        .filter(
            candidate -> {
              for (String word : words) {
                if (word.length() < 3 || !candidate.contains(word)) {
                  return false;
                }
              }
              return words.length > 0;
            })
        .min(Comparator.comparingInt(String::length));
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] =
            Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private static String abbreviate(String text) {
    return text.length() <= 64 ? text : text.substring(0, 64) + "…";
  }
}
