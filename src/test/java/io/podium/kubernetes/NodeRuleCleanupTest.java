package io.podium.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.podium.testing.KubernetesApiMock;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The uninstall order against the mock API server in CRUD mode, where nothing runs the DaemonSet
 * controller or the garbage collector: the test plays both (deletes the node DaemonSet's pods, sets
 * the cleanup DaemonSet's status) and checks what the run did at each step.
 */
class NodeRuleCleanupTest {

  private static final String NS = "kube-system";

  private final KubernetesApiMock api = KubernetesApiMock.start();
  private final NamespacedKubernetesClient client = api.client();
  // Not the common pool: with two CPUs it has one thread, which fabric8's futures need too.
  private final ExecutorService background = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    background.shutdownNow();
    client.close();
    api.close();
  }

  private NodeRuleCleanup cleanup(Duration timeout) {
    return new NodeRuleCleanup(client, NS, timeout, Clock.systemUTC());
  }

  private static DaemonSet daemonSet(String name) {
    return new DaemonSetBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .endMetadata()
        .withNewSpec()
        .withNewSelector()
        .addToMatchLabels("app", name)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("main")
        .withImage("podium")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private void podOf(String daemonSet, String node, boolean ready) {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(daemonSet + "-" + node)
            .withNamespace(NS)
            .addNewOwnerReference()
            .withApiVersion("apps/v1")
            .withKind("DaemonSet")
            .withName(daemonSet)
            .withUid("uid-" + daemonSet)
            .endOwnerReference()
            .endMetadata()
            .withNewSpec()
            .withNodeName(node)
            .endSpec()
            .withNewStatus()
            .addNewCondition()
            .withType("Ready")
            .withStatus(ready ? "True" : "False")
            .endCondition()
            .endStatus()
            .build();
    client.pods().inNamespace(NS).resource(pod).create();
  }

  /** What the DaemonSet controller reports: {@code ready} of {@code desired} pods ready. */
  private void status(String name, int desired, int ready) {
    DaemonSet current = client.apps().daemonSets().inNamespace(NS).withName(name).get();
    Long generation = current.getMetadata().getGeneration();
    current.setStatus(
        new DaemonSetStatusBuilder()
            .withObservedGeneration(generation == null ? 1L : generation)
            .withDesiredNumberScheduled(desired)
            .withCurrentNumberScheduled(desired)
            .withNumberReady(ready)
            .withNumberMisscheduled(0)
            .build());
    client.apps().daemonSets().inNamespace(NS).resource(current).updateStatus();
  }

  private boolean exists(String name) {
    return client.apps().daemonSets().inNamespace(NS).withName(name).get() != null;
  }

  private void deletePodsOf(String daemonSet) {
    client.pods().inNamespace(NS).list().getItems().stream()
        .filter(p -> p.getMetadata().getName().startsWith(daemonSet + "-"))
        .forEach(p -> client.pods().inNamespace(NS).resource(p).delete());
  }

  @Test
  void stopsTheNodeDaemonSetWaitsForItsPodsThenCleansEveryNodeAndRemovesTheCleanupDaemonSet()
      throws Exception {
    client.apps().daemonSets().inNamespace(NS).resource(daemonSet("podium")).create();
    podOf("podium", "node-a", true);
    podOf("podium", "node-b", true);

    CompletableFuture<NodeRuleCleanup.Result> run =
        CompletableFuture.supplyAsync(
            () -> cleanup(Duration.ofSeconds(30)).run("podium", daemonSet("podium-cleanup")),
            background);

    // The node DaemonSet goes first; while its pods run, no cleanup starts (they would put the
    // rule back, and a node without them must not lose it before they are gone).
    await().atMost(10, TimeUnit.SECONDS).until(() -> !exists("podium"));
    await()
        .during(Duration.ofMillis(500))
        .atMost(2, TimeUnit.SECONDS)
        .until(() -> !exists("podium-cleanup"));
    deletePodsOf("podium");

    await().atMost(10, TimeUnit.SECONDS).until(() -> exists("podium-cleanup"));
    assertThat(exists("podium")).isFalse();
    // Ready pods are cleaned nodes: one of two is not enough.
    status("podium-cleanup", 2, 1);
    await().during(Duration.ofMillis(500)).atMost(2, TimeUnit.SECONDS).until(() -> !run.isDone());
    status("podium-cleanup", 2, 2);

    NodeRuleCleanup.Result result = run.get(10, TimeUnit.SECONDS);
    assertThat(result).isEqualTo(new NodeRuleCleanup.Result(true, 2));
    assertThat(exists("podium-cleanup")).isFalse();
  }

  @Test
  void aNodeDaemonSetGoneAlreadyIsSkippedSoThatARunCanBeRepeated() throws Exception {
    // An earlier run stopped the node DaemonSet and left its cleanup DaemonSet behind.
    client.apps().daemonSets().inNamespace(NS).resource(daemonSet("podium-cleanup")).create();

    CompletableFuture<NodeRuleCleanup.Result> run =
        CompletableFuture.supplyAsync(
            () -> cleanup(Duration.ofSeconds(30)).run("podium", daemonSet("podium-cleanup")),
            background);
    await()
        .atMost(10, TimeUnit.SECONDS)
        .ignoreExceptions()
        .untilAsserted(() -> status("podium-cleanup", 3, 3));

    assertThat(run.get(10, TimeUnit.SECONDS)).isEqualTo(new NodeRuleCleanup.Result(false, 3));
    assertThat(exists("podium-cleanup")).isFalse();
  }

  @Test
  void aStatusOfAnEarlierGenerationIsNotTakenForDone() {
    DaemonSet daemonSet = daemonSet("podium-cleanup");
    daemonSet.getMetadata().setGeneration(2L);
    daemonSet.setStatus(
        new DaemonSetStatusBuilder()
            .withObservedGeneration(1L)
            .withDesiredNumberScheduled(0)
            .withNumberReady(0)
            .build());

    assertThat(NodeRuleCleanup.everyNodeDone(daemonSet)).isFalse();
    daemonSet.getStatus().setObservedGeneration(2L);
    assertThat(NodeRuleCleanup.everyNodeDone(daemonSet)).isTrue();
    assertThat(NodeRuleCleanup.everyNodeDone(daemonSetWithoutStatus())).isFalse();
  }

  private static DaemonSet daemonSetWithoutStatus() {
    return daemonSet("podium-cleanup");
  }

  @Test
  void nodePodsThatDoNotStopInTimeEndTheRunBeforeAnyRuleIsRemoved() {
    client.apps().daemonSets().inNamespace(NS).resource(daemonSet("podium-agent")).create();
    podOf("podium-agent", "node-b", true);
    podOf("podium-agent", "node-a", true);

    assertThatThrownBy(
            () -> cleanup(Duration.ofSeconds(2)).run("podium-agent", daemonSet("podium-cleanup")))
        .isInstanceOf(NodeRuleCleanup.NodeCleanupException.class)
        .hasMessage(
            "timed out after 2s waiting for the 2 pods of daemonset kube-system/podium-agent to"
                + " stop (nodes node-a, node-b); no rule was removed yet: run it again with a"
                + " longer --timeout");
    assertThat(exists("podium-cleanup")).isFalse();
  }

  @Test
  void nodesThatDoNotFinishInTimeAreNamedAndTheCleanupDaemonSetIsRemovedAnyway() {
    CompletableFuture<Void> controller =
        CompletableFuture.runAsync(
            () ->
                await()
                    .atMost(10, TimeUnit.SECONDS)
                    .ignoreExceptions()
                    .untilAsserted(
                        () -> {
                          status("podium-cleanup", 3, 2);
                          podOf("podium-cleanup", "node-a", true);
                          podOf("podium-cleanup", "node-b", true);
                          podOf("podium-cleanup", "node-c", false);
                        }),
            background);

    assertThatThrownBy(
            () -> cleanup(Duration.ofSeconds(3)).run("podium", daemonSet("podium-cleanup")))
        .isInstanceOf(NodeRuleCleanup.NodeCleanupException.class)
        .hasMessage(
            "timed out after 3s: the rule is removed on 2 of 3 nodes, not yet on node-c: run"
                + " podium standalone --cleanup on the others by hand, or run this again with a"
                + " longer --timeout");
    controller.join();
    assertThat(exists("podium-cleanup")).isFalse();
  }
}
