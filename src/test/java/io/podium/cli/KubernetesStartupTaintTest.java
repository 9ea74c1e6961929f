package io.podium.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.podium.server.StartupTaint;
import org.junit.jupiter.api.Test;

/** Against fabric8's Kubernetes mock server in CRUD mode. */
@EnableKubernetesMockClient(crud = true)
class KubernetesStartupTaintTest {

  private static final String READY = "podium.io/agent-not-ready";

  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void removesTheTaintFromTheNamedNodeOnlyAndThenFindsItAbsent() {
    for (String name : new String[] {"node-1", "node-2"}) {
      client
          .nodes()
          .resource(
              new NodeBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .endMetadata()
                  .withNewSpec()
                  .addNewTaint()
                  .withKey(READY)
                  .withEffect("NoSchedule")
                  .endTaint()
                  .endSpec()
                  .build())
          .create();
    }
    StartupTaint taint = new KubernetesStartupTaint(client, READY);

    assertThat(taint.removeFrom("node-1")).isEqualTo(StartupTaint.Removal.REMOVED);
    assertThat(taint.removeFrom("node-1")).isEqualTo(StartupTaint.Removal.ABSENT);
    assertThat(taint.removeFrom("node-9")).isEqualTo(StartupTaint.Removal.NO_SUCH_NODE);
    assertThat(client.nodes().withName("node-1").get().getSpec().getTaints()).isNullOrEmpty();
    assertThat(client.nodes().withName("node-2").get().getSpec().getTaints())
        .extracting(Taint::getKey)
        .containsExactly(READY);
  }

  @Test
  void anApiServerThatDoesNotAnswerIsAFailureSayingSo() {
    // Loopback port 9 (discard): nothing listens there.
    try (KubernetesClient unreachable =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder()
                    .withMasterUrl("http://127.0.0.1:9")
                    .withRequestRetryBackoffLimit(0)
                    .withConnectionTimeout(2_000)
                    .build())
            .build()) {
      StartupTaint taint = new KubernetesStartupTaint(unreachable, READY);

      assertThatThrownBy(() -> taint.removeFrom("node-1"))
          .isInstanceOf(StartupTaint.Failed.class)
          .hasMessageStartingWith("the API server did not answer");
    }
  }
}
