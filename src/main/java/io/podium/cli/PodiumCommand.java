package io.podium.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

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
      OidcCommand.class,
      ServerCommand.class,
      StandaloneCommand.class,
      StsEmulatorCommand.class,
      WebhookCommand.class
    })
public final class PodiumCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, shared by {@link #main} and tests. */
  public static CommandLine commandLine() {
    return new CommandLine(new PodiumCommand()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
