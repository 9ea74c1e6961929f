package io.podium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.ops.Health;
import io.podium.testing.LogCapture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The start-up and failure path every long-running command shares; serving needs a real stop. */
class LongRunningCommandTest {

  @RegisterExtension final LogCapture logs = new LogCapture();

  private final List<String> closed = new CopyOnWriteArrayList<>();
  private final StringWriter err = new StringWriter();

  @Command(name = "serve")
  static final class Serve implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin LoggingOptions logging;
    @Mixin OpsOptions ops;
    LongRunningCommand.Parts parts;

    @Override
    public Integer call() throws Exception {
      return new LongRunningCommand(spec, logging, ops).run(parts);
    }
  }

  private int run(LongRunningCommand.Parts parts) {
    Serve serve = new Serve();
    serve.parts = parts;
    CommandLine commandLine = new CommandLine(serve).setErr(new PrintWriter(err, true));
    return commandLine.execute("--metrics-listen", "none");
  }

  private AutoCloseable part(String name) {
    return () -> closed.add(name);
  }

  @Test
  void aKubeconfigThatCannotBeUsedEndsWithOneLineAndExitCode1AfterClosingEveryPart() {
    int exit =
        run(
            (registry, health, resources) -> {
              resources.push(part("client"));
              resources.push(
                  () -> {
                    throw new IllegalStateException("already closed");
                  });
              resources.push(part("timers"));
              throw new KubernetesOptions.KubeconfigException(
                  "--kubeconfig k is not a usable kubeconfig: no current context", null);
            });

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo(
            "podium serve: --kubeconfig k is not a usable kubeconfig: no current context"
                + System.lineSeparator());
    assertThat(closed).containsExactly("timers", "client");
    assertThat(logs.messagesFrom(Serve.class.getName()))
        .containsExactly(
            "cannot start: --kubeconfig k is not a usable kubeconfig: no current context");
    assertThat(logs.allOutput()).contains("already closed");
  }

  @Test
  void isNotReadyWhileItsPartsStart() {
    List<Health.Report> duringStart = new CopyOnWriteArrayList<>();

    run(
        (registry, health, resources) -> {
          duringStart.add(health.report(Health.Probe.READY));
          throw new KubernetesOptions.KubeconfigException("stop here", null);
        });

    assertThat(duringStart)
        .singleElement()
        .satisfies(
            report -> {
              assertThat(report.passing()).isFalse();
              assertThat(report.results())
                  .extracting(Health.Result::name)
                  .containsExactly("started");
            });
  }
}
