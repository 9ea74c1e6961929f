package io.podium.cli;

import static io.podium.cli.OptionErrors.invalid;

import io.podium.ops.Health;
import io.podium.ops.OpsServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code --metrics-listen} option of every long-running command: where {@code /metrics}, {@code
 * /healthz} and {@code /readyz} are served.
 */
final class OpsOptions {

  /** The port every command uses unless told otherwise. */
  static final String DEFAULT_LISTEN = "0.0.0.0:9180";

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(
      names = "--metrics-listen",
      paramLabel = "HOST:PORT|none",
      defaultValue = DEFAULT_LISTEN,
      description =
          "Plain HTTP endpoint for Prometheus (/metrics) and the kubelet's probes (/healthz:"
              + " liveness, /readyz: readiness), apart from the metadata API (default:"
              + " ${DEFAULT-VALUE}); none turns it off. See docs/operations.md.")
  String metricsListen;

  /**
   * The validated address, or empty for {@code none}.
   *
   * @throws ParameterException when the value is not HOST:PORT
   */
  Optional<InetSocketAddress> listen() {
    try {
      return HostPort.listenAddressOrNone("--metrics-listen", metricsListen, DEFAULT_LISTEN);
    } catch (IllegalArgumentException e) {
      throw invalid(command, e);
    }
  }

  /**
   * Registers the process's own metrics and, unless turned off, starts the endpoint; the caller
   * closes what it returns (nothing to close when off).
   */
  AutoCloseable start(
      PrometheusRegistry registry, Health health, String component, String version) {
    OpsServer.registerProcessMetrics(registry, health, component, version);
    Optional<InetSocketAddress> listen = listen();
    if (listen.isEmpty()) {
      return () -> {};
    }
    return OpsServer.start(listen.get(), registry, health);
  }
}
