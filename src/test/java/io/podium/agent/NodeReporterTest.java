package io.podium.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.podium.testing.LogCapture;
import io.podium.testing.ManualScheduler;
import io.podium.testing.MutableClock;
import io.podium.wire.v1.NodeReport;
import io.podium.wire.v1.NodeReportAck;
import io.podium.wire.v1.RuleState;
import io.podium.wire.v1.TaintOutcome;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class NodeReporterTest {

  private static final Duration RETRY = Duration.ofSeconds(10);

  @RegisterExtension final LogCapture logs = new LogCapture();

  private final ManualScheduler scheduler =
      new ManualScheduler(MutableClock.at("2026-11-27T10:00:00Z"));
  private volatile ServerConnections.RuleState rule = ServerConnections.RuleState.IN_PLACE;
  private volatile boolean serving = true;
  private final FakeReplica a = new FakeReplica("replica-a", true);
  private final FakeReplica b = new FakeReplica("replica-b", true);
  private final List<FakeReplica> replicas = new ArrayList<>(List.of(a, b));
  private final NodeReporter reporter =
      new NodeReporter(() -> rule, () -> serving, () -> replicas, scheduler, RETRY);

  @Test
  void reportsOnceAReplicaSyncsAndStopsForGoodWhenTheTaintIsGone() {
    a.answers(TaintOutcome.TAINT_OUTCOME_REMOVED);

    reporter.synced(a);
    reporter.synced(b);
    scheduler.advance(RETRY.multipliedBy(5));

    assertThat(a.reports)
        .containsExactly(
            NodeReport.newBuilder()
                .setRule(RuleState.RULE_STATE_IN_PLACE)
                .setServing(true)
                .build());
    assertThat(b.reports).isEmpty();
    assertThat(reporter.done()).isTrue();
    assertThat(logs.messagesFrom("io.podium.agent.NodeReporter"))
        .contains("Server replica-a removed this node's start-up taint");
  }

  @Test
  void reportsAgainWhileTheTaintIsKeptUntilTheRuleIsInPlace() {
    rule = ServerConnections.RuleState.FAILING;
    a.answers(TaintOutcome.TAINT_OUTCOME_KEPT, TaintOutcome.TAINT_OUTCOME_KEPT);
    a.answers(TaintOutcome.TAINT_OUTCOME_REMOVED);

    reporter.synced(a);
    scheduler.advance(RETRY);
    rule = ServerConnections.RuleState.IN_PLACE;
    scheduler.advance(RETRY);
    scheduler.advance(RETRY.multipliedBy(3));

    assertThat(a.reports)
        .extracting(NodeReport::getRule)
        .containsExactly(
            RuleState.RULE_STATE_FAILING,
            RuleState.RULE_STATE_FAILING,
            RuleState.RULE_STATE_IN_PLACE);
    assertThat(reporter.done()).isTrue();
    // Said once, not once a retry.
    assertThat(logs.messagesFrom("io.podium.agent.NodeReporter"))
        .filteredOn(message -> message.contains("keeps this node's start-up taint"))
        .hasSize(1);
  }

  @Test
  void aFailedReportIsSentAgainToAReplicaThatTakesReports() {
    a.fails(Status.UNAVAILABLE.withDescription("the API server is away"));
    b.answers(TaintOutcome.TAINT_OUTCOME_ABSENT);
    replicas.remove(a);

    reporter.synced(a);
    scheduler.advance(RETRY);

    assertThat(a.reports).hasSize(1);
    assertThat(b.reports).hasSize(1);
    assertThat(reporter.done()).isTrue();
  }

  @Test
  void aServerWithoutReadyTaintIsNotAskedAgainUntilAReplicaSyncsAgain() {
    a.answers(TaintOutcome.TAINT_OUTCOME_NOT_CONFIGURED);

    reporter.synced(a);
    scheduler.advance(RETRY.multipliedBy(5));
    assertThat(a.reports).hasSize(1);

    reporter.synced(a);
    assertThat(a.reports).hasSize(2);
    assertThat(reporter.done()).isFalse();
  }

  @Test
  void replicasThatDoNotTakeReportsAreNeverAsked() {
    FakeReplica older = new FakeReplica("older", false);

    reporter.synced(older);
    scheduler.advance(RETRY.multipliedBy(3));

    assertThat(older.reports).isEmpty();
  }

  /** A replica whose answers are scripted, each report recorded. */
  private static final class FakeReplica implements NodeReporter.Target {
    final String name;
    final boolean takesReports;
    final List<NodeReport> reports = new ArrayList<>();
    final Deque<CompletableFuture<NodeReportAck>> answers = new ArrayDeque<>();

    FakeReplica(String name, boolean takesReports) {
      this.name = name;
      this.takesReports = takesReports;
    }

    void answers(TaintOutcome... outcomes) {
      for (TaintOutcome outcome : outcomes) {
        answers.add(
            CompletableFuture.completedFuture(
                NodeReportAck.newBuilder().setTaint(outcome).build()));
      }
    }

    void fails(Status status) {
      answers.add(CompletableFuture.failedFuture(status.asRuntimeException()));
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public boolean acceptsReports() {
      return takesReports;
    }

    @Override
    public CompletableFuture<NodeReportAck> report(NodeReport report, Duration deadline) {
      reports.add(report);
      CompletableFuture<NodeReportAck> answer = answers.poll();
      return answer != null
          ? answer
          : CompletableFuture.failedFuture(
              Status.UNAVAILABLE.withDescription("unscripted").asRuntimeException());
    }
  }
}
