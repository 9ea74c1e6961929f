package io.podium.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    description = "Per-pod AWS IAM credentials for Kubernetes on AWS.")
public final class PodiumCommand implements Callable<Integer> {

  /**
   * The commands, by name. A run builds only the one it runs (when its arguments name one): picocli
   * reads every command's options by reflection as it builds it, which for all of them took a third
   * of a second of each process's start.
   */
  private static final Map<String, Class<?>> COMMANDS =
      orderedMap(
          "help", CommandLine.HelpCommand.class,
          "agent", AgentCommand.class,
          "certs", CertsCommand.class,
          "dev", DevCommand.class,
          "explain", ExplainCommand.class,
          "oidc", OidcCommand.class,
          "server", ServerCommand.class,
          "standalone", StandaloneCommand.class,
          "sts-emulator", StsEmulatorCommand.class,
          "uninstall-nodes", UninstallNodesCommand.class,
          "webhook", WebhookCommand.class);

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
    System.exit(commandLine(args).execute(args));
  }

  /** The configured command line with every command, shared by {@link #main} and tests. */
  public static CommandLine commandLine() {
    return commandLine(COMMANDS.values());
  }

  /**
   * The command line for {@code args}: with only the command they name, or with every command when
   * they name none (or {@code help}), so that usage, "did you mean" and help see them all.
   */
  static CommandLine commandLine(String[] args) {
    Class<?> named =
        Arrays.stream(args)
            .filter(arg -> !arg.startsWith("-"))
            .findFirst()
            .map(COMMANDS::get)
            .orElse(null);
    if (named == null || named == CommandLine.HelpCommand.class) {
      return commandLine();
    }
    return commandLine(List.of(named));
  }

  private static CommandLine commandLine(Collection<Class<?>> commands) {
    CommandLine commandLine = new CommandLine(new PodiumCommand());
    for (Class<?> command : commands) {
      commandLine.addSubcommand(command);
    }
    // After the commands are added: these settings reach the commands present when they are set.
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setParameterExceptionHandler(new UserErrors());
    commandLine.setExecutionExceptionHandler(new StartFailures());
    return commandLine;
  }

  /** The commands' names, in the order usage lists them. */
  static Set<String> commandNames() {
    return COMMANDS.keySet();
  }

  /** Names and classes, in order; names as each class's {@code @Command} gives them. */
  private static Map<String, Class<?>> orderedMap(Object... namesAndClasses) {
    Map<String, Class<?>> byName = new LinkedHashMap<>();
    for (int i = 0; i < namesAndClasses.length; i += 2) {
      byName.put((String) namesAndClasses[i], (Class<?>) namesAndClasses[i + 1]);
    }
    return Collections.unmodifiableMap(byName);
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
