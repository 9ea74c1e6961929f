package io.podium.interception;

import io.podium.core.broker.Scheduler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps the interception rule in place for as long as the process runs, and after: installs it
 * (before the metadata API answers, so that a pod racing the start-up is refused rather than sent
 * to the node's own credentials), cuts connections that reached the real metadata service before
 * it, checks it every interval and rewrites it when it went missing or changed, and reports what
 * its counters say. {@link #close()} stops the checks and leaves the rule: with the agent down,
 * pods get "connection refused", never the node's role. Only {@link #cleanup} removes it.
 *
 * <p>Each check also looks for signs that pods' traffic passes the rule by, and warns (and sets
 * {@code podium_interception_rule_bypassed}): a {@code --host-interface} that selects only ports of
 * a bridge, where pods' packets never arrive; and pods asking the metadata API while the rule's
 * counters stay at 0, judged once connections opened before the rule was written have had time to
 * close.
 */
public final class RuleManager implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RuleManager.class);

  private final List<RuleSpec> specs;
  private final RuleBackend backend;
  private final ConntrackFlusher flusher;
  private final InterceptionMetrics metrics;
  private final Scheduler scheduler;
  private final Duration interval;
  private final NetworkLinks links;
  private final PodTraffic traffic;
  private final int checksBeforeJudging;

  // Guarded by this.
  private final Map<IpFamily, RuleCheck> last = new EnumMap<>(IpFamily.class);
  private final Set<IpFamily> trafficSeen = EnumSet.noneOf(IpFamily.class);
  private List<String> bridgePortProblems = List.of();
  // Per family: checks since the rule was written, and pods' requests counted when judging began.
  private final Map<IpFamily, Integer> checksSinceWrite = new EnumMap<>(IpFamily.class);
  private final Map<IpFamily, Long> askedBeforeJudging = new EnumMap<>(IpFamily.class);
  private final Set<IpFamily> unmatchedPodRequests = EnumSet.noneOf(IpFamily.class);
  private Scheduler.@Nullable Cancellable nextCheck;
  private boolean closed;

  private volatile boolean ready;

  /**
   * @param links the node's interfaces, for the bridge-port check
   * @param traffic pods' requests to the metadata API, for the unmatched-traffic check
   */
  RuleManager(
      List<RuleSpec> specs,
      RuleBackend backend,
      ConntrackFlusher flusher,
      InterceptionMetrics metrics,
      Scheduler scheduler,
      Duration interval,
      NetworkLinks links,
      PodTraffic traffic) {
    this.specs = List.copyOf(specs);
    this.backend = backend;
    this.flusher = flusher;
    this.metrics = metrics;
    this.scheduler = scheduler;
    this.interval = interval;
    this.links = links;
    this.traffic = traffic;
    // Connections opened before a write keep reaching the agent without passing the new rule's
    // counters; the metadata API closes idle ones after a minute.
    this.checksBeforeJudging =
        (int) Math.max(2, Math.ceilDiv(JUDGING_DELAY.toMillis(), interval.toMillis()));
  }

  /** How long after a write pods' requests are first held against the rule's counters. */
  static final Duration JUDGING_DELAY = Duration.ofMinutes(2);

  /**
   * A manager writing to the backend {@code settings} choose (or the node's, detected now).
   *
   * @throws InterceptionException when the chosen backend's programs are not installed
   */
  public static RuleManager create(
      InterceptionSettings settings,
      CommandRunner runner,
      Scheduler scheduler,
      PrometheusRegistry registry,
      PodTraffic traffic) {
    BackendDetector.Detection detection =
        new BackendDetector(runner, JsonMapper.builder().build()).detect(settings.backend());
    log.info(
        "Interception rules are kept with {}: {}", detection.backend().name(), detection.reason());
    List<RuleSpec> specs = settings.specs();
    return new RuleManager(
        specs,
        detection.backend(),
        new ConntrackFlusher(runner),
        new InterceptionMetrics(registry, specs.stream().map(RuleSpec::family).toList()),
        scheduler,
        settings.checkInterval(),
        new SysfsNetworkLinks(SysfsNetworkLinks.SYS_CLASS_NET),
        traffic);
  }

  /** The backend in use: iptables-legacy, iptables-nft or nftables. */
  public String backendName() {
    return backend.name();
  }

  /** The rules as the backend writes them, for output and logs. */
  public List<String> rules() {
    List<String> lines = new ArrayList<>();
    for (RuleSpec spec : specs) {
      lines.addAll(backend.render(spec));
    }
    return lines;
  }

  /**
   * Checks every family now, writing the rule where it is missing or changed.
   *
   * @return one outcome per family
   */
  public synchronized List<RuleCheck> check() {
    // Read before the counters: a request counted here passed the rule (if it did) before the
    // counters are read, so it cannot look unmatched.
    Map<IpFamily, Long> asked = new EnumMap<>(IpFamily.class);
    for (IpFamily family : IpFamily.values()) {
      asked.put(family, traffic.asked(family));
    }
    List<RuleCheck> outcomes = new ArrayList<>();
    for (RuleSpec spec : specs) {
      RuleCheck outcome = check(spec);
      report(spec, outcome);
      last.put(spec.family(), outcome);
      outcomes.add(outcome);
      judgeTraffic(outcome, asked.getOrDefault(spec.family(), 0L));
    }
    ready = outcomes.stream().allMatch(RuleCheck::inPlace);
    checkInterfaces();
    return outcomes;
  }

  /**
   * Checks now and insists that every family's rule is in place.
   *
   * @throws InterceptionException naming each family whose rule could not be put in place
   */
  public List<RuleCheck> install() {
    List<RuleCheck> outcomes = check();
    List<String> failures = new ArrayList<>();
    for (RuleCheck outcome : outcomes) {
      if (outcome instanceof RuleCheck.Failed(IpFamily family, String reason)) {
        failures.add(family.label() + ": " + reason);
      }
    }
    if (!failures.isEmpty()) {
      throw new InterceptionException(
          "cannot install the interception rule with "
              + backend.name()
              + ": "
              + String.join("; ", failures));
    }
    return outcomes;
  }

  /** Checks (and repairs) every {@code --rule-check-interval} from now on, until closed. */
  public synchronized void startChecking() {
    if (!closed && nextCheck == null) {
      nextCheck = scheduler.schedule(interval, this::periodicCheck);
    }
  }

  /** Whether the last check found every family's rule in place: the process's readiness. */
  public boolean ready() {
    return ready;
  }

  /** Stops checking and leaves the rule in place (fail closed). */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (nextCheck != null) {
      nextCheck.cancel();
    }
    metrics.close();
    log.info(
        "Stopped checking the interception rule; it stays in place, so pods get 'connection"
            + " refused' until the agent is back (podium standalone --cleanup removes it)");
  }

  /** One family's removal by {@link #cleanup}. */
  public record Removal(String backend, IpFamily family, boolean removed) {}

  /**
   * Removes everything Podium installed, in both families, from the backend {@code choice} names
   * (with {@code AUTO}, from every backend installed), and nothing else.
   *
   * @throws InterceptionException when something of Podium's could not be removed
   */
  public static List<Removal> cleanup(BackendChoice choice, CommandRunner runner) {
    List<Removal> removals = new ArrayList<>();
    for (RuleBackend backend :
        new BackendDetector(runner, JsonMapper.builder().build()).candidates(choice)) {
      for (IpFamily family : IpFamily.values()) {
        boolean removed = backend.remove(family);
        if (removed) {
          log.info("Removed Podium's {} interception rule from {}", family.label(), backend.name());
        }
        removals.add(new Removal(backend.name(), family, removed));
      }
    }
    return removals;
  }

  /** Warns when a {@code --host-interface} selects only bridge ports, and when that ends. */
  private void checkInterfaces() {
    List<String> problems;
    try {
      problems = BridgePorts.onlyPortsSelected(specs.getFirst().interfaces(), links.list());
    } catch (InterceptionException e) {
      log.debug("Cannot list the node's interfaces: {}", e.getMessage());
      return;
    }
    for (String problem : problems) {
      if (!bridgePortProblems.contains(problem)) {
        log.warn("{}: pods behind that bridge may reach the node's own credentials", problem);
      }
    }
    if (problems.isEmpty() && !bridgePortProblems.isEmpty()) {
      log.info("--host-interface no longer selects only bridge ports");
    }
    bridgePortProblems = problems;
    metrics.bypassed(InterceptionMetrics.Bypass.BRIDGE_PORTS_ONLY, !problems.isEmpty());
  }

  /**
   * Holds pods' requests over the family against the rule's counters: once connections opened
   * before the last write have had time to close, a pod asking while the counters stay at 0 reached
   * the agent some other way, so the rule is not in pods' path.
   */
  private void judgeTraffic(RuleCheck outcome, long asked) {
    IpFamily family = outcome.family();
    long packets;
    switch (outcome) {
      case RuleCheck.Unchanged(IpFamily _, long matched) -> packets = matched;
      case RuleCheck.Installed _, RuleCheck.Repaired _ -> {
        // Fresh counters: start over.
        checksSinceWrite.put(family, 0);
        askedBeforeJudging.remove(family);
        setUnmatched(family, false, 0);
        return;
      }
      case RuleCheck.Failed _ -> {
        return;
      }
    }
    // A rule written by an earlier run (the init container) counts from this run's first check.
    int checks = checksSinceWrite.merge(family, 1, Integer::sum);
    if (packets > 0) {
      setUnmatched(family, false, 0);
      return;
    }
    if (checks < checksBeforeJudging) {
      return;
    }
    long before = askedBeforeJudging.computeIfAbsent(family, f -> asked);
    setUnmatched(family, asked > before, asked - before);
  }

  private void setUnmatched(IpFamily family, boolean unmatched, long requests) {
    if (unmatched && unmatchedPodRequests.add(family)) {
      log.warn(
          "Pods asked the metadata API {} times over {} since the interception rule was written,"
              + " but the rule matched no packet: their traffic does not pass through it (an eBPF"
              + " datapath, a CNI redirect, an explicit endpoint), and pods the other path does not"
              + " carry may reach the node's own credentials (see docs/interception.md)",
          requests,
          family.label());
    } else if (!unmatched && unmatchedPodRequests.remove(family)) {
      log.info("The {} interception rule matches pods' traffic again", family.label());
    }
    metrics.bypassed(
        InterceptionMetrics.Bypass.UNMATCHED_POD_REQUESTS, !unmatchedPodRequests.isEmpty());
  }

  private void periodicCheck() {
    try {
      check();
    } catch (RuntimeException e) {
      // check() turns every expected failure into an outcome; this is a bug, not a reason to stop.
      log.error("Unexpected failure while checking the interception rule", e);
    } finally {
      synchronized (this) {
        if (!closed) {
          nextCheck = scheduler.schedule(interval, this::periodicCheck);
        }
      }
    }
  }

  private RuleCheck check(RuleSpec spec) {
    IpFamily family = spec.family();
    try {
      return switch (backend.inspect(spec)) {
        case Observed.InPlace(long packets) -> {
          metrics.inPlace(family, packets);
          yield new RuleCheck.Unchanged(family, packets);
        }
        case Observed.Absent() -> {
          long cut = write(spec);
          RuleCheck previous = last.get(family);
          if (previous != null && previous.inPlace()) {
            // It was in place at the last check: someone removed it (iptables -F, a CNI reset).
            metrics.repaired(family);
            yield new RuleCheck.Repaired(family, "it was missing", cut);
          }
          yield new RuleCheck.Installed(family, cut);
        }
        case Observed.Different(String difference) -> {
          long cut = write(spec);
          metrics.repaired(family);
          yield new RuleCheck.Repaired(family, difference, cut);
        }
      };
    } catch (InterceptionException e) {
      metrics.missing(family);
      metrics.failed(family);
      return new RuleCheck.Failed(family, e.getMessage());
    }
  }

  /** Writes the rule, reads it back, and cuts what reached the real service before it. */
  private long write(RuleSpec spec) {
    IpFamily family = spec.family();
    backend.install(spec);
    Observed written = backend.inspect(spec);
    if (!(written instanceof Observed.InPlace(long packets))) {
      // Never loop rewriting a rule that reads back differently: report it instead.
      throw new InterceptionException(
          "wrote the rule but read back "
              + switch (written) {
                case Observed.Different(String difference) -> difference;
                default -> "nothing";
              });
    }
    metrics.inPlace(family, packets);
    long cut = flusher.flush(family);
    metrics.flushed(family, cut);
    return cut;
  }

  private void report(RuleSpec spec, RuleCheck outcome) {
    RuleCheck previous = last.get(spec.family());
    String family = spec.family().label();
    switch (outcome) {
      case RuleCheck.Installed(IpFamily _, long cut) ->
          log.info(
              "Installed the {} interception rule with {}: {}; cut {} earlier connections to the"
                  + " real metadata service",
              family,
              backend.name(),
              spec.describe(),
              cut);
      case RuleCheck.Repaired(IpFamily _, String difference, long cut) ->
          log.warn(
              "The {} interception rule had changed ({}); rewrote it with {}: {}; cut {}"
                  + " connections to the real metadata service",
              family,
              difference,
              backend.name(),
              spec.describe(),
              cut);
      case RuleCheck.Unchanged(IpFamily _, long packets) -> {
        if (previous == null) {
          log.info(
              "The {} interception rule is already in place ({}): {}",
              family,
              backend.name(),
              spec.describe());
        } else if (previous instanceof RuleCheck.Failed) {
          log.info("The {} interception rule is in place again", family);
        }
        if (packets > 0 && trafficSeen.add(spec.family())) {
          log.info(
              "The {} interception rule has matched {} pod connections: pods reach the agent"
                  + " through it",
              family,
              packets);
        }
      }
      case RuleCheck.Failed(IpFamily _, String reason) -> {
        if (!(previous instanceof RuleCheck.Failed)) {
          log.error(
              "Cannot keep the {} interception rule in place with {}: {}; not ready",
              family,
              backend.name(),
              reason);
        }
      }
    }
  }
}
