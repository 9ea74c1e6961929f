package io.podium.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code podium} command: one jar, several roles, each a subcommand. */
@Command(
    name = "podium",
    mixinStandardHelpOptions = true,
    versionProvider = PodiumVersion.class,
    description = "Per-pod AWS IAM credentials for Kubernetes on AWS.",
    subcommands = {
      CommandLine.HelpCommand.class,
      AgentCommand.class,
      CertsCommand.class,
      DevCommand.class,
      ExplainCommand.class,
      OidcCommand.class,
      ServerCommand.class,
      StandaloneCommand.class,
      StsEmulatorCommand.class,
      UninstallNodesCommand.class,
      WebhookCommand.class
    })
public final class PodiumCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--debug",
      scope = ScopeType.INHERIT,
      description =
          "Debug logging for Podium's own loggers, and the stack trace behind an error that"
              + " ends the command.")
  boolean debug;

  /** Warnings about old flags that were rewritten before parsing, logged once logging is set. */
  private final List<String> oldFlagWarnings = new ArrayList<>();

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, shared by {@link #main} and tests. */
  public static CommandLine commandLine() {
    CommandLine commandLine =
        new CommandLine(new PodiumCommand()).setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setParameterExceptionHandler(new UserErrors());
    commandLine.setExecutionExceptionHandler(new StartFailures());
    return commandLine;
  }

  /** {@code podium} alone: what it can do, on stderr, and the exit code of a usage error. */
  @Override
  public Integer call() {
    CommandLine commandLine = spec.commandLine();
    commandLine.usage(commandLine.getErr());
    commandLine.getErr().println();
    commandLine.getErr().println("podium: give a command, e.g. podium dev");
    commandLine.getErr().flush();
    return spec.exitCodeOnInvalidInput();
  }

  /** Whether {@code --debug} was given, on any command. */
  static boolean debug(CommandLine.Model.CommandSpec anyCommand) {
    return anyCommand.root().userObject() instanceof PodiumCommand podium && podium.debug;
  }

  /** Keeps the warnings of old flags until the command's logging is set up. */
  static void deferWarnings(CommandLine root, List<String> warnings) {
    if (root.getCommand() instanceof PodiumCommand podium) {
      synchronized (podium.oldFlagWarnings) {
        podium.oldFlagWarnings.clear();
        podium.oldFlagWarnings.addAll(warnings);
      }
    }
  }

  /** The warnings of old flags given to this run, removed as they are returned. */
  static List<String> takeWarnings(CommandLine.Model.CommandSpec anyCommand) {
    if (anyCommand.root().userObject() instanceof PodiumCommand podium) {
      synchronized (podium.oldFlagWarnings) {
        List<String> warnings = List.copyOf(podium.oldFlagWarnings);
        podium.oldFlagWarnings.clear();
        return warnings;
      }
    }
    return List.of();
  }
}
