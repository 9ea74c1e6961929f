package io.podium.server;

import io.podium.wire.v1.NodeReport;
import io.podium.wire.v1.RuleState;
import io.podium.wire.v1.TaintOutcome;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acts on agents' reports about their own nodes: the start-up taint ({@code --ready-taint}) goes
 * once the node's agent says its interception rule is in place and its metadata API serves, so that
 * pods are scheduled only where they are intercepted and answered. Agents hold no Kubernetes
 * rights; the server does it for them, for the node it authenticated and no other. A report that
 * does not say both (an agent without {@code --iptables}, a rule it cannot write) keeps the taint.
 */
public final class NodeReports {

  private static final Logger log = LoggerFactory.getLogger(NodeReports.class);

  /** Removals at once: a DaemonSet rollout reports from many nodes together. */
  private static final int CONCURRENT_REMOVALS = 8;

  private final Optional<StartupTaint> taint;
  private final Semaphore removals = new Semaphore(CONCURRENT_REMOVALS);
  private final Counter outcomes;

  /**
   * @param taint the removal of the start-up taint; empty without {@code --ready-taint}
   */
  public NodeReports(Optional<StartupTaint> taint, PrometheusRegistry registry) {
    this.taint = taint;
    this.outcomes =
        Counter.builder()
            .name("podium_server_ready_taint_reports_total")
            .help(
                "Agents' reports on their nodes by what became of the start-up taint: removed,"
                    + " absent, kept (the rule not in place or the agent not serving), no_node,"
                    + " failed (the API server refused), not_configured (no --ready-taint)")
            .labelNames("outcome")
            .register(registry);
    for (String outcome :
        new String[] {"removed", "absent", "kept", "no_node", "failed", "not_configured"}) {
      outcomes.initLabelValues(outcome);
    }
  }

  /** Reports answered {@code NOT_CONFIGURED}, counted nowhere: for tests and simulations. */
  public static NodeReports none() {
    return new NodeReports(Optional.empty(), new PrometheusRegistry());
  }

  /**
   * Acts on {@code report} from the agent of {@code node}; may call the API server, so it blocks.
   *
   * @throws StartupTaint.Failed when the API server refuses or fails the removal
   */
  TaintOutcome report(String node, NodeReport report) {
    if (taint.isEmpty()) {
      outcomes.labelValues("not_configured").inc();
      return TaintOutcome.TAINT_OUTCOME_NOT_CONFIGURED;
    }
    if (report.getRule() != RuleState.RULE_STATE_IN_PLACE || !report.getServing()) {
      log.info(
          "Keeping node {}'s start-up taint: its agent reports the interception rule {} and {}",
          node,
          describe(report.getRule()),
          report.getServing() ? "the metadata API serving" : "the metadata API not serving yet");
      outcomes.labelValues("kept").inc();
      return TaintOutcome.TAINT_OUTCOME_KEPT;
    }
    removals.acquireUninterruptibly();
    try {
      return switch (taint.get().removeFrom(node)) {
        case REMOVED -> {
          log.info(
              "Removed node {}'s start-up taint: its agent reports the interception rule in place"
                  + " and the metadata API serving",
              node);
          outcomes.labelValues("removed").inc();
          yield TaintOutcome.TAINT_OUTCOME_REMOVED;
        }
        case ABSENT -> {
          outcomes.labelValues("absent").inc();
          yield TaintOutcome.TAINT_OUTCOME_ABSENT;
        }
        case NO_SUCH_NODE -> {
          log.warn("An agent authenticated as node {} reported, but there is no such node", node);
          outcomes.labelValues("no_node").inc();
          yield TaintOutcome.TAINT_OUTCOME_NO_SUCH_NODE;
        }
      };
    } catch (StartupTaint.Failed e) {
      log.warn("Cannot remove node {}'s start-up taint: {}", node, e.getMessage());
      outcomes.labelValues("failed").inc();
      throw e;
    } finally {
      removals.release();
    }
  }

  private static String describe(RuleState rule) {
    return switch (rule) {
      case RULE_STATE_IN_PLACE -> "in place";
      case RULE_STATE_FAILING -> "failing (the agent cannot write it)";
      case RULE_STATE_NOT_MANAGED -> "not managed by it (no --iptables)";
      case RULE_STATE_UNSPECIFIED, UNRECOGNIZED -> "in an unknown state";
    };
  }
}
