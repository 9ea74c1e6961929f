package io.podium.interception;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.podium.testing.KubernetesApiMock;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The Kubernetes API of a {@link NetworkLab} node: fabric8's mock in CRUD mode on the node
 * namespace's loopback, holding one Node {@code args[1]} registered with the start-up taint {@code
 * args[2]} (as kubelet's {@code --register-with-taints} does). Writes a kubeconfig to {@code
 * args[0]}, prints {@code LISTENING}, then {@code TAINTS [keys]} now and at every change the node's
 * watch shows, so that a test outside the namespace can follow them. Run with {@code ip netns
 * exec}.
 */
public final class LabKubernetesApi {

  private LabKubernetesApi() {}

  public static void main(String[] args) throws Exception {
    KubernetesApiMock api = KubernetesApiMock.start();
    KubernetesClient client = api.client();
    client
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(args[1])
                .endMetadata()
                .withNewSpec()
                .addNewTaint()
                .withKey(args[2])
                .withEffect("NoSchedule")
                .endTaint()
                .endSpec()
                .build())
        .create();
    api.writeKubeconfig(Path.of(args[0]));
    System.out.println("LISTENING");
    System.out.flush();
    client
        .nodes()
        .withName(args[1])
        .watch(
            new Watcher<Node>() {
              @Override
              public void eventReceived(Action action, Node node) {
                print(node);
              }

              @Override
              public void onClose(WatcherException cause) {
                System.out.println("WATCH CLOSED " + cause.getMessage());
                System.out.flush();
              }
            });
    print(client.nodes().withName(args[1]).get());
    // Runs until the test ends it.
    new CountDownLatch(1).await();
  }

  private static synchronized void print(Node node) {
    List<Taint> taints = node.getSpec().getTaints();
    System.out.println(
        "TAINTS " + (taints == null ? List.of() : taints.stream().map(Taint::getKey).toList()));
    System.out.flush();
  }
}
