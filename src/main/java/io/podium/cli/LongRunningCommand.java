package io.podium.cli;

import io.podium.cli.KubernetesOptions.KubeconfigException;
import io.podium.kubernetes.PodSourceException;
import io.podium.oidc.KeySourceException;
import io.podium.ops.Health;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;

/**
 * How every command that serves until it is stopped runs, once its options are checked: the
 * operations endpoint first (so that probes and scrapes answer during a slow start), then the
 * command's parts, the start-up line, serving until SIGTERM, and everything closed in reverse.
 */
final class LongRunningCommand {

  /** Starts a command's parts. */
  @FunctionalInterface
  interface Parts {
    /**
     * Starts the parts, pushing each onto {@code resources} as it starts.
     *
     * @param health where the parts add their liveness and readiness checks
     * @return the line that tells the operator what the process serves
     */
    String start(PrometheusRegistry registry, Health health, CloseStack resources) throws Exception;
  }

  /** What a command does between the request to stop and closing its parts. */
  @FunctionalInterface
  interface Stopping {
    void stop() throws InterruptedException;
  }

  private final CommandSpec spec;
  private final LoggingOptions logging;
  private final OpsOptions ops;
  private final Logger log;
  private Stopping stopping;

  /** The command of {@code spec}, named in its metrics, errors and logs. */
  LongRunningCommand(CommandSpec spec, LoggingOptions logging, OpsOptions ops) {
    this.spec = spec;
    this.logging = logging;
    this.ops = ops;
    this.log = LoggerFactory.getLogger(spec.userObject().getClass());
    this.stopping = () -> log.info("stopping");
  }

  /** Replaces the log line that is all a command does by default once asked to stop. */
  LongRunningCommand whenStopping(Stopping stopping) {
    this.stopping = stopping;
    return this;
  }

  /**
   * Runs the command until the JVM is asked to stop.
   *
   * @return the exit code: 0 when stopped, 1 when the pod source or the kubeconfig cannot be used
   */
  int run(Parts parts) throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    Health health = new Health();
    // Fails until start-up is over (pods synced, the rule installed, the listeners bound), so
    // that /readyz says "not yet" during a long informer sync.
    AtomicBoolean started = new AtomicBoolean();
    health.ready(
        "started", started::get, "still starting (syncing pods, installing the rule, binding)");
    // The shutdown signal closes last: it lets the JVM halt once everything else is closed.
    try (ShutdownSignal shutdown = new ShutdownSignal();
        CloseStack resources = new CloseStack()) {
      resources.push(ops.start(registry, health, path("-"), PodiumVersion.number()));
      String startedLine = parts.start(registry, health, resources);
      started.set(true);
      logging.announce(spec, startedLine);
      shutdown.await();
      stopping.stop();
    } catch (PodSourceException | KubeconfigException | KeySourceException e) {
      // Configuration or RBAC, not a bug: one line that says what to fix, no stack trace.
      log.error("cannot start: {}", e.getMessage());
      spec.commandLine().getErr().println("podium " + path(" ") + ": " + e.getMessage());
      return 1;
    }
    return 0;
  }

  /**
   * The command's names below {@code podium}, joined by {@code separator}: {@code standalone}, or
   * {@code oidc-sync} (metrics) and {@code oidc sync} (errors) for a subcommand.
   */
  private String path(String separator) {
    if (spec.parent() == null) {
      return spec.name();
    }
    String qualified = spec.qualifiedName(separator);
    return qualified.substring(spec.root().name().length() + separator.length());
  }
}
