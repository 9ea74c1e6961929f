package io.podium.agent;

import io.grpc.Status;
import io.podium.core.broker.Scheduler;
import io.podium.wire.ErrorDetails;
import io.podium.wire.v1.NodeReport;
import io.podium.wire.v1.NodeReportAck;
import io.podium.wire.v1.RuleState;
import io.podium.wire.v1.TaintOutcome;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the servers what only the agent can see of its node — its interception rule in place, its
 * metadata API serving — so that a server run with {@code --ready-taint} removes the node's
 * start-up taint (the agent itself holds no Kubernetes rights). One report at a time, to one synced
 * replica that announced it takes them: when a replica syncs, and again every retry interval while
 * the answer may still change (the taint kept, a replica failing). Done for good once a replica
 * says the taint is gone or was never there, so that server restarts cost the API server nothing.
 */
final class NodeReporter {

  private static final Logger log = LoggerFactory.getLogger(NodeReporter.class);

  /** A replica that may take a report. */
  interface Target {
    String name();

    /** Whether this replica's stream is synced and its hello announced node reports. */
    boolean acceptsReports();

    CompletableFuture<NodeReportAck> report(NodeReport report, Duration deadline);
  }

  static final Duration DEADLINE = Duration.ofSeconds(30);

  private final Supplier<ServerConnections.RuleState> rule;
  private final BooleanSupplier serving;
  private final Supplier<List<? extends Target>> targets;
  private final Scheduler scheduler;
  private final Duration retry;

  // Guarded by this.
  private boolean done;
  private boolean inFlight;
  private Scheduler.Cancellable nextTry;
  private TaintOutcome lastOutcome;
  private boolean closed;

  /**
   * @param rule the interception rule's state now
   * @param serving whether the metadata API listens and the agent has a replica's snapshot
   * @param targets the replicas now, any of which may be asked
   */
  NodeReporter(
      Supplier<ServerConnections.RuleState> rule,
      BooleanSupplier serving,
      Supplier<List<? extends Target>> targets,
      Scheduler scheduler,
      Duration retry) {
    this.rule = rule;
    this.serving = serving;
    this.targets = targets;
    this.scheduler = scheduler;
    this.retry = retry;
  }

  /** A replica's stream has synced: reports to it now unless the taint is known to be gone. */
  void synced(Target target) {
    if (target.acceptsReports()) {
      send(target);
    }
  }

  /** Whether a replica has said the taint is gone (or never was). */
  synchronized boolean done() {
    return done;
  }

  synchronized void close() {
    closed = true;
    if (nextTry != null) {
      nextTry.cancel();
    }
  }

  private void send(Target target) {
    NodeReport report;
    synchronized (this) {
      if (done || inFlight || closed) {
        return;
      }
      inFlight = true;
      if (nextTry != null) {
        nextTry.cancel();
        nextTry = null;
      }
      report =
          NodeReport.newBuilder()
              .setRule(
                  switch (rule.get()) {
                    case IN_PLACE -> RuleState.RULE_STATE_IN_PLACE;
                    case FAILING -> RuleState.RULE_STATE_FAILING;
                    case NOT_MANAGED -> RuleState.RULE_STATE_NOT_MANAGED;
                  })
              .setServing(serving.getAsBoolean())
              .build();
    }
    var _ =
        target
            .report(report, DEADLINE)
            .whenComplete(
                (ack, failure) -> {
                  boolean again;
                  synchronized (this) {
                    inFlight = false;
                    again =
                        failure == null
                            ? answered(target, report, ack.getTaint())
                            : failed(target, failure);
                    if (again && !closed) {
                      nextTry = scheduler.schedule(retry, this::retry);
                    }
                  }
                });
  }

  private void retry() {
    synchronized (this) {
      nextTry = null;
    }
    Optional<? extends Target> target =
        targets.get().stream().filter(Target::acceptsReports).findFirst();
    if (target.isPresent()) {
      send(target.get());
    }
    // No replica takes reports now: the next one to sync is reported to.
  }

  /** Logs the answer once per kind; returns whether to report again later. */
  @SuppressWarnings("RefactorSwitch") // statements that log, then return: clearer than yields
  private boolean answered(Target target, NodeReport report, TaintOutcome outcome) {
    boolean changed = outcome != lastOutcome;
    lastOutcome = outcome;
    switch (outcome) {
      case TAINT_OUTCOME_REMOVED -> {
        log.info("Server {} removed this node's start-up taint", target.name());
        done = true;
        return false;
      }
      case TAINT_OUTCOME_ABSENT -> {
        log.info("This node has no start-up taint (server {})", target.name());
        done = true;
        return false;
      }
      case TAINT_OUTCOME_NO_SUCH_NODE -> {
        log.warn(
            "Server {} knows no node of this agent's name: nothing to remove a start-up taint"
                + " from",
            target.name());
        done = true;
        return false;
      }
      case TAINT_OUTCOME_NOT_CONFIGURED -> {
        // Until a replica with --ready-taint syncs.
        if (changed) {
          log.info("Server {} removes no start-up taint (no --ready-taint)", target.name());
        }
        return false;
      }
      case TAINT_OUTCOME_KEPT -> {
        if (changed) {
          log.warn(
              "Server {} keeps this node's start-up taint: the interception rule is {} and the"
                  + " metadata API {}; reporting again every {} s",
              target.name(),
              switch (report.getRule()) {
                case RULE_STATE_IN_PLACE -> "in place";
                case RULE_STATE_FAILING -> "failing";
                case RULE_STATE_NOT_MANAGED -> "not managed by this agent (--iptables)";
                case RULE_STATE_UNSPECIFIED, UNRECOGNIZED -> "unknown";
              },
              report.getServing() ? "serves" : "does not serve yet",
              retry.toSeconds());
        }
        return true;
      }
      case TAINT_OUTCOME_UNSPECIFIED, UNRECOGNIZED -> {
        // A newer server's answer this agent does not know: ask again later.
        return true;
      }
    }
    return true;
  }

  private boolean failed(Target target, Throwable failure) {
    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
    Status status = Status.fromThrowable(cause);
    log.warn(
        "Could not report this node to server {}: {} {} ({}); trying again in {} s",
        target.name(),
        status.getCode(),
        status.getDescription(),
        ErrorDetails.reason(cause),
        retry.toSeconds());
    lastOutcome = null;
    return true;
  }
}
