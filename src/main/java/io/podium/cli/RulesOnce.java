package io.podium.cli;

import io.podium.interception.CommandRunner;
import io.podium.interception.EndpointLink;
import io.podium.interception.InterceptionException;
import io.podium.interception.InterceptionSettings;
import io.podium.interception.PodTraffic;
import io.podium.interception.ProcessCommandRunner;
import io.podium.interception.RuleCheck;
import io.podium.interception.RuleManager;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;

/**
 * {@code --install-rules-only} and {@code --cleanup}: manage the interception rule once, print what
 * was done, and exit (0 when the rule is in place or removed, 1 when it could not be).
 */
final class RulesOnce {

  /** The longest one iptables, nft or conntrack call may take. */
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

  private RulesOnce() {}

  /**
   * @param listen where the metadata API listens
   * @param endpoint where the container-credentials endpoint listens (its addresses go on a link)
   */
  static int run(
      InterceptionOptions options,
      InetSocketAddress listen,
      List<InetSocketAddress> endpoint,
      CommandLine commandLine) {
    options.checkExclusive();
    PrintWriter out = commandLine.getOut();
    PrintWriter err = commandLine.getErr();
    CommandRunner runner = new ProcessCommandRunner(COMMAND_TIMEOUT);
    try {
      Optional<EndpointLink.Settings> link = options.endpointLink(endpoint);
      if (options.cleanup) {
        cleanup(options, runner, out);
        link.ifPresent(settings -> cleanupLink(settings, runner, out));
      } else {
        InterceptionSettings settings =
            options.settings(listen).orElseThrow().withEndpointLink(link);
        installLink(settings, runner, out);
        install(settings, runner, out);
      }
      return 0;
    } catch (InterceptionException e) {
      err.println("podium " + commandLine.getCommandName() + ": " + e.getMessage());
      return 1;
    } finally {
      out.flush();
      err.flush();
    }
  }

  private static void install(
      InterceptionSettings settings, CommandRunner runner, PrintWriter out) {
    // Checks are never scheduled in this mode: the process exits once the rule is in place.
    try (RuleManager rules =
        RuleManager.create(
            settings,
            runner,
            (delay, task) -> {
              throw new IllegalStateException("no periodic checks with --install-rules-only");
            },
            new PrometheusRegistry(),
            // No pod asks a process that exits once the rule is in place.
            new PodTraffic())) {
      List<RuleCheck> outcomes = rules.install();
      for (RuleCheck outcome : outcomes) {
        String family = outcome.family().label();
        out.println(
            switch (outcome) {
              case RuleCheck.Installed(var _, long cut) ->
                  family
                      + ": installed with "
                      + rules.backendName()
                      + "; cut "
                      + cut
                      + " earlier connections to the real metadata service";
              case RuleCheck.Repaired(var _, String difference, long cut) ->
                  family
                      + ": rewritten with "
                      + rules.backendName()
                      + " ("
                      + difference
                      + "); cut "
                      + cut
                      + " connections to the real metadata service";
              case RuleCheck.Unchanged(var _, var _) ->
                  family + ": already in place with " + rules.backendName();
              case RuleCheck.Failed(var _, String reason) -> family + ": failed: " + reason;
            });
      }
      for (String rule : rules.rules()) {
        out.println("  " + rule);
      }
    }
  }

  /** The container-credentials addresses first: the endpoint binds them as it starts. */
  static void installLink(InterceptionSettings settings, CommandRunner runner, PrintWriter out) {
    settings
        .endpointLink()
        .ifPresent(
            link -> {
              for (EndpointLink.Change change : new EndpointLink(link, runner).install()) {
                out.println(
                    "container credentials: "
                        + change.address().getHostAddress()
                        + " "
                        + change.outcome());
              }
            });
  }

  private static void cleanupLink(
      EndpointLink.Settings link, CommandRunner runner, PrintWriter out) {
    List<String> removed = new EndpointLink(link, runner).cleanup();
    if (removed.isEmpty()) {
      out.println("container credentials: nothing of Podium's on " + link.device());
    }
    removed.forEach(line -> out.println("container credentials: " + line));
  }

  private static void cleanup(InterceptionOptions options, CommandRunner runner, PrintWriter out) {
    List<RuleManager.Removal> removals = RuleManager.cleanup(options.backend, runner);
    boolean any = false;
    for (RuleManager.Removal removal : removals) {
      if (removal.removed()) {
        any = true;
        out.println(removal.family().label() + ": removed Podium's rule from " + removal.backend());
      }
    }
    if (!any) {
      out.println("nothing of Podium's was installed");
    }
  }
}
