package io.podium.ops;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The liveness and readiness of one process, as named checks that its composition root adds while
 * the parts they watch come up. A probe passes when all of its checks pass; a check added later
 * counts from then on, so readiness that must wait for a slow start-up is declared first and
 * answered false until the part exists.
 */
public final class Health {

  /** Which question a check answers. */
  public enum Probe {
    /** Restarting the process would help: something it owns is broken for good. */
    LIVE,
    /** The process answers correctly now; it may receive traffic and a rollout may go on. */
    READY;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One condition.
   *
   * @param name a short fixed name, shown by the endpoints and used as a metric label
   * @param passing whether the condition holds now; called on every probe, so it must be cheap
   * @param whenFailing what it means when it does not, for the person reading the probe's body
   */
  public record Check(
      Probe probe, String name, BooleanSupplier passing, Supplier<String> whenFailing) {}

  /** A probe's verdict: whether every check passed, and each check's own result. */
  public record Report(boolean passing, List<Result> results) {}

  /** One check's result. */
  public record Result(String name, boolean passing, String whenFailing) {}

  private final List<Check> checks = new CopyOnWriteArrayList<>();

  /** Adds a check that must pass for the process to be live. */
  public Health live(String name, BooleanSupplier passing, String whenFailing) {
    checks.add(new Check(Probe.LIVE, name, passing, () -> whenFailing));
    return this;
  }

  /** Adds a check that must pass for the process to be ready. */
  public Health ready(String name, BooleanSupplier passing, String whenFailing) {
    return ready(name, passing, () -> whenFailing);
  }

  /** Adds a check that must pass for the process to be ready, saying why it fails as it fails. */
  public Health ready(String name, BooleanSupplier passing, Supplier<String> whenFailing) {
    checks.add(new Check(Probe.READY, name, passing, whenFailing));
    return this;
  }

  /** Runs the checks of {@code probe}; a check that throws fails. */
  public Report report(Probe probe) {
    List<Result> results = new ArrayList<>();
    boolean all = true;
    for (Check check : checks) {
      if (check.probe() != probe) {
        continue;
      }
      boolean passing;
      try {
        passing = check.passing().getAsBoolean();
      } catch (RuntimeException e) {
        passing = false;
      }
      all &= passing;
      results.add(new Result(check.name(), passing, passing ? "" : whenFailing(check)));
    }
    return new Report(all, List.copyOf(results));
  }

  private static String whenFailing(Check check) {
    try {
      return check.whenFailing().get();
    } catch (RuntimeException e) {
      return "failing";
    }
  }

  /**
   * Registers {@code podium_health_check_passing{probe, check}}: each check's result at scrape
   * time, so that dashboards and alerts see what the probes see.
   */
  public void register(PrometheusRegistry registry) {
    GaugeWithCallback.builder()
        .name("podium_health_check_passing")
        .help("1 when the named liveness or readiness check passes now, else 0")
        .labelNames("probe", "check")
        .callback(
            callback -> {
              for (Probe probe : Probe.values()) {
                for (Result result : report(probe).results()) {
                  callback.call(result.passing() ? 1 : 0, probe.label(), result.name());
                }
              }
            })
        .register(registry);
  }
}
