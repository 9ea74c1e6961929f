package io.podium.server;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The agent API's metrics on the server: agents' Watch streams open now, and how callers'
 * authentication ended. Labels are bounded: the result only, never a node or an address.
 */
public final class ServerMetrics {

  private final PrometheusRegistry registry;
  private final Counter authentications;

  public ServerMetrics(PrometheusRegistry registry) {
    this.registry = registry;
    authentications =
        Counter.builder()
            .name("podium_server_agent_authentications_total")
            .help(
                "Calls of the agent API by how authenticating the caller's node ended:"
                    + " authenticated or refused")
            .labelNames("result")
            .register(registry);
    authentications.initLabelValues("authenticated");
    authentications.initLabelValues("refused");
  }

  /** Registers the gauge of open Watch streams; called once the hub exists. */
  public void watch(IntSupplier streams) {
    GaugeWithCallback.builder()
        .name("podium_server_agent_streams")
        .help("Agents' Watch streams this replica serves now")
        .callback(callback -> callback.call(streams.getAsInt()))
        .register(registry);
  }

  /** Registers the count of Watch streams ended because their agent did not read them. */
  public void tooSlowAgents(LongSupplier ended) {
    CounterWithCallback.builder()
        .name("podium_server_agent_streams_too_slow_total")
        .help(
            "Agents' Watch streams this replica ended because the agent stopped reading its"
                + " events (more than 8 MiB queued); the agent reconnects and resynchronises")
        .callback(callback -> callback.call(ended.getAsLong()))
        .register(registry);
  }

  /** {@code authenticator}, counting its verdicts. */
  public NodeAuthenticator counting(NodeAuthenticator authenticator) {
    return (X509Certificate certificate, Optional<String> bearerToken) -> {
      NodeAuthenticator.Result result = authenticator.authenticate(certificate, bearerToken);
      authentications
          .labelValues(
              switch (result) {
                case NodeAuthenticator.Result.Authenticated _ -> "authenticated";
                case NodeAuthenticator.Result.Refused _ -> "refused";
              })
          .inc();
      return result;
    };
  }
}
