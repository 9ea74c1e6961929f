package io.podium.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.podium.testing.KubernetesApiMock;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code podium uninstall-nodes} from the command line: what it refuses (exit 2, one line saying
 * what to fix), and a run against the mock API server with a kubeconfig, the test playing the
 * DaemonSet controller.
 */
class UninstallNodesCommandTest {

  private static final String CLEANUP =
      """
      apiVersion: apps/v1
      kind: DaemonSet
      metadata: {name: podium-cleanup}
      spec:
        selector: {matchLabels: {app: podium-cleanup}}
        template:
          metadata: {labels: {app: podium-cleanup}}
          spec:
            initContainers: [{name: cleanup, image: podium, args: [standalone, --cleanup]}]
            containers: [{name: cleaned, image: podium, command: [sleep, infinity]}]
      """;

  @TempDir Path directory;

  private record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    CommandLine commandLine = PodiumCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    int code = commandLine.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private Path file(String name, String text) throws Exception {
    return Files.writeString(directory.resolve(name), text);
  }

  @Test
  void helpSaysWhatItStopsAndWhatItRemoves() {
    Run help = run("uninstall-nodes", "--help");

    assertThat(help.exitCode()).isZero();
    assertThat(help.out())
        .contains("--daemonset", "--cleanup-daemonset", "--timeout", "4m", "POD_NAMESPACE");
  }

  @Test
  void refusesACleanupFileThatCannotBeReadOrHoldsNoDaemonSet() throws Exception {
    Run missing =
        run(
            "uninstall-nodes",
            "--namespace=podium",
            "--daemonset=podium",
            "--cleanup-daemonset=" + directory.resolve("absent.yaml"));
    Run pod =
        run(
            "uninstall-nodes",
            "--namespace=podium",
            "--daemonset=podium",
            "--cleanup-daemonset="
                + file("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n"));
    Run same =
        run(
            "uninstall-nodes",
            "--namespace=podium",
            "--daemonset=podium-cleanup",
            "--cleanup-daemonset=" + file("cleanup.yaml", CLEANUP));

    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("absent.yaml cannot be read");
    assertThat(pod.exitCode()).isEqualTo(2);
    assertThat(pod.err()).contains("must hold one named DaemonSet (apps/v1), found Pod");
    assertThat(same.exitCode()).isEqualTo(2);
    assertThat(same.err()).contains("the one --daemonset stops");
  }

  @Test
  void refusesARunWithoutANamespace() throws Exception {
    Run run =
        run(
            "uninstall-nodes",
            "--namespace=",
            "--daemonset=podium",
            "--cleanup-daemonset=" + file("cleanup.yaml", CLEANUP));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--namespace is required");
  }

  @Test
  void cleansEveryNodeOfTheClusterInItsKubeconfigAndSaysSo() throws Exception {
    // Not the common pool: with two CPUs it has one thread, which fabric8's futures need too.
    ExecutorService background = Executors.newSingleThreadExecutor();
    try (KubernetesApiMock api = KubernetesApiMock.start();
        NamespacedKubernetesClient client = api.client()) {
      Path kubeconfig = api.writeKubeconfig(directory.resolve("kubeconfig"));
      CompletableFuture<Void> controller =
          CompletableFuture.runAsync(
              () ->
                  await()
                      .atMost(20, TimeUnit.SECONDS)
                      .ignoreExceptions()
                      .untilAsserted(
                          () -> {
                            var resource =
                                client
                                    .apps()
                                    .daemonSets()
                                    .inNamespace("podium")
                                    .withName("podium-cleanup");
                            DaemonSet current = resource.get();
                            current.setStatus(
                                new DaemonSetStatusBuilder()
                                    .withObservedGeneration(1L)
                                    .withDesiredNumberScheduled(2)
                                    .withNumberReady(2)
                                    .build());
                            client
                                .apps()
                                .daemonSets()
                                .inNamespace("podium")
                                .resource(current)
                                .updateStatus();
                          }),
              background);

      Run run =
          run(
              "uninstall-nodes",
              "--kubeconfig=" + kubeconfig,
              "--namespace=podium",
              "--daemonset=podium-agent",
              "--cleanup-daemonset=" + file("cleanup.yaml", CLEANUP),
              "--timeout=20s");

      controller.join();
      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(run.out())
          .isEqualTo(
              "podium uninstall-nodes: daemonset podium/podium-agent was gone already, removed the"
                  + " interception rule on 2 nodes\n");
      assertThat(client.apps().daemonSets().inNamespace("podium").list().getItems()).isEmpty();
    } finally {
      background.shutdownNow();
    }
  }

  @Test
  void aTimeoutIsOneLineOnStderrAndExitCode1() throws Exception {
    try (KubernetesApiMock api = KubernetesApiMock.start()) {
      Path kubeconfig = api.writeKubeconfig(directory.resolve("kubeconfig"));

      Run run =
          run(
              "uninstall-nodes",
              "--kubeconfig=" + kubeconfig,
              "--namespace=podium",
              "--daemonset=podium",
              "--cleanup-daemonset=" + file("cleanup.yaml", CLEANUP),
              "--timeout=1s");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err().lines())
          .singleElement()
          .asString()
          .startsWith("podium uninstall-nodes: timed out after 1s: the rule is removed on 0 of 0");
    }
  }
}
