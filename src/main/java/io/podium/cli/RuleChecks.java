package io.podium.cli;

import io.podium.core.broker.ExecutorScheduler;
import io.podium.interception.EndpointLink;
import io.podium.interception.InterceptionSettings;
import io.podium.interception.PodTraffic;
import io.podium.interception.ProcessCommandRunner;
import io.podium.interception.RuleManager;
import io.podium.ops.Health;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The interception rule of a serving process ({@code podium standalone}, {@code podium agent}):
 * installed at once, then checked and repaired on a thread of its own.
 */
final class RuleChecks {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RuleChecks.class);

  private RuleChecks() {}

  /**
   * Installs the rule now and checks it from then on, the process ready only while the last check
   * succeeded; what it starts is pushed onto {@code closeInReverse} (closing stops the checks and
   * leaves the rule in place).
   *
   * @param traffic counts pods' requests to the metadata API, held against the rule's counters
   */
  static RuleManager start(
      InterceptionSettings settings,
      PodTraffic traffic,
      PrometheusRegistry registry,
      Health health,
      CloseStack closeInReverse) {
    // Checks run programs that may take seconds on a busy node: never on the broker's timers.
    ScheduledExecutorService checks =
        closeInReverse.pushExecutor(
            Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("podium-interception").daemon().factory()));
    ProcessCommandRunner runner = new ProcessCommandRunner(RulesOnce.COMMAND_TIMEOUT);
    // The container-credentials addresses before the rule: the endpoint binds them next.
    settings
        .endpointLink()
        .ifPresent(
            link -> {
              for (EndpointLink.Change change : new EndpointLink(link, runner).install()) {
                if (change.failed()) {
                  log.warn(
                      "Container-credentials address {} {}",
                      change.address().getHostAddress(),
                      change.outcome());
                } else {
                  log.info(
                      "Container-credentials address {} {}",
                      change.address().getHostAddress(),
                      change.outcome());
                }
              }
            });
    RuleManager rules =
        RuleManager.create(settings, runner, new ExecutorScheduler(checks), registry, traffic);
    closeInReverse.push(rules);
    rules.install();
    rules.startChecking();
    health.ready(
        "interception-rule",
        rules::ready,
        "the last check could not read or write the interception rule (see the log)");
    return rules;
  }
}
