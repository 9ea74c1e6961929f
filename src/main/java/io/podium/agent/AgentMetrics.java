package io.podium.agent;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.IntSupplier;

/** The agent's view of its servers: connections, sync, what it holds, and how it fell back. */
final class AgentMetrics {

  private final PrometheusRegistry registry;
  private final Counter streamsEnded;
  private final Counter lookups;
  private final Counter failovers;

  AgentMetrics(PrometheusRegistry registry) {
    this.registry = registry;
    streamsEnded =
        Counter.builder()
            .name("podium_agent_server_streams_ended_total")
            .help("Watch streams from server replicas that ended (restarts, failures, refusals)")
            .register(registry);
    lookups =
        Counter.builder()
            .name("podium_agent_lookups_total")
            .help(
                "Lookups the agent sent to a server for what it had not in memory, by result:"
                    + " ok, refused, failed")
            .labelNames("result")
            .register(registry);
    for (String result : new String[] {"ok", "refused", "failed"}) {
      lookups.initLabelValues(result);
    }
    failovers =
        Counter.builder()
            .name("podium_agent_lookup_failovers_total")
            .help(
                "Lookups a replica could not answer (down, stopping, not synced, STS away) that"
                    + " moved on to the next replica")
            .register(registry);
  }

  void watch(IntSupplier syncedServers, IntSupplier links, IntSupplier pods, IntSupplier sessions) {
    GaugeWithCallback.builder()
        .name("podium_agent_servers")
        .help("Server replicas the agent knows (state=known) and is synced with (state=synced)")
        .labelNames("state")
        .callback(
            callback -> {
              callback.call(links.getAsInt(), "known");
              callback.call(syncedServers.getAsInt(), "synced");
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("podium_agent_pods")
        .help("Pods of this node the agent knows")
        .callback(callback -> callback.call(pods.getAsInt()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("podium_agent_sessions")
        .help("Sessions whose credentials the agent holds in memory")
        .callback(callback -> callback.call(sessions.getAsInt()))
        .register(registry);
  }

  void streamEnded() {
    streamsEnded.inc();
  }

  void lookupFailedOver() {
    failovers.inc();
  }

  void lookup(String result) {
    lookups.labelValues(result).inc();
  }
}
