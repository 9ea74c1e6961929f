package io.podium.interception;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Against fabric8's Kubernetes mock server in CRUD mode: a real API round trip per call. */
@EnableKubernetesMockClient(crud = true)
class NodeTaintRemoverTest {

  private static final String READY = "podium.io/agent-not-ready";

  KubernetesMockServer server;
  KubernetesClient client;

  private static Taint taint(String key, String effect) {
    return new TaintBuilder().withKey(key).withEffect(effect).build();
  }

  private void createNode(String name, Taint... taints) {
    client
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withTaints(List.of(taints))
                .endSpec()
                .build())
        .create();
  }

  private List<Taint> taintsOf(String name) {
    Node node = client.nodes().withName(name).get();
    return node.getSpec().getTaints() == null ? List.of() : node.getSpec().getTaints();
  }

  @Test
  void removesEveryEffectOfTheReadyTaintAndKeepsTheOthers() {
    Taint dedicated = taint("dedicated", "NoSchedule");
    Taint unreachable = taint("node.kubernetes.io/unreachable", "NoExecute");
    createNode(
        "node-1", dedicated, taint(READY, "NoSchedule"), unreachable, taint(READY, "NoExecute"));

    NodeTaintRemover.Outcome outcome = new NodeTaintRemover(client, "node-1", READY).remove();

    assertThat(outcome).isEqualTo(NodeTaintRemover.Outcome.REMOVED);
    assertThat(taintsOf("node-1")).containsExactly(dedicated, unreachable);
  }

  @Test
  void aNodeWithoutTheTaintIsLeftAlone() {
    Taint dedicated = taint("dedicated", "NoSchedule");
    createNode("node-2", dedicated);
    String version = client.nodes().withName("node-2").get().getMetadata().getResourceVersion();

    NodeTaintRemover.Outcome outcome = new NodeTaintRemover(client, "node-2", READY).remove();

    assertThat(outcome).isEqualTo(NodeTaintRemover.Outcome.ABSENT);
    assertThat(taintsOf("node-2")).containsExactly(dedicated);
    assertThat(client.nodes().withName("node-2").get().getMetadata().getResourceVersion())
        .isEqualTo(version);
  }

  @Test
  void saysSoWhenTheNodeDoesNotExist() {
    assertThat(new NodeTaintRemover(client, "no-such-node", READY).remove())
        .isEqualTo(NodeTaintRemover.Outcome.NO_SUCH_NODE);
  }

  @Test
  void retriesWhenTheTaintsMovedBetweenReadAndWrite() {
    Taint dedicated = taint("dedicated", "NoSchedule");
    createNode("node-3", dedicated, taint(READY, "NoSchedule"));
    // The first patch meets a failed test operation, as when someone changed the taints meanwhile.
    server
        .expect()
        .patch()
        .withPath("/api/v1/nodes/node-3")
        .andReturn(422, "{\"kind\":\"Status\",\"code\":422,\"reason\":\"Invalid\"}")
        .once();

    NodeTaintRemover.Outcome outcome = new NodeTaintRemover(client, "node-3", READY).remove();

    assertThat(outcome).isEqualTo(NodeTaintRemover.Outcome.REMOVED);
    assertThat(taintsOf("node-3")).containsExactly(dedicated);
  }

  @Test
  void aRefusalOtherThanAConflictIsNotRetried() {
    createNode("node-4", taint(READY, "NoSchedule"));
    server
        .expect()
        .patch()
        .withPath("/api/v1/nodes/node-4")
        .andReturn(403, "{\"kind\":\"Status\",\"code\":403,\"reason\":\"Forbidden\"}")
        .always();

    assertThatThrownBy(() -> new NodeTaintRemover(client, "node-4", READY).remove())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    assertThat(taintsOf("node-4")).extracting(Taint::getKey).containsExactly(READY);
  }
}
