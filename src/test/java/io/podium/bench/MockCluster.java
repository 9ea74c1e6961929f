package io.podium.bench;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.podium.testing.KubernetesApiMock;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A stand-in Kubernetes API server for the benchmarks that run Podium's processes as in a cluster
 * ({@code bench/footprint.sh}): fabric8's mock in CRUD mode on 127.0.0.1, holding the objects of a
 * YAML file (namespaces first), with a kubeconfig that points at it.
 *
 * <p>{@code MockCluster <objects.yaml> <kubeconfig-out>}: prints {@code mock API server ready} once
 * the objects are in and the kubeconfig is written, then serves until it is ended (by its PID).
 */
public final class MockCluster {

  private MockCluster() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: MockCluster <objects.yaml> <kubeconfig-out>");
      System.exit(2);
    }
    try (KubernetesApiMock api = KubernetesApiMock.start();
        NamespacedKubernetesClient client = api.client()) {
      List<HasMetadata> objects;
      try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
        objects = client.load(in).items();
      }
      // Namespaces first: a pod's namespace policy is there before the pod.
      objects.stream().filter(o -> o.getKind().equals("Namespace")).forEach(o -> create(client, o));
      objects.stream()
          .filter(o -> !o.getKind().equals("Namespace"))
          .forEach(o -> create(client, o));
      api.writeKubeconfig(Path.of(args[1]));
      System.out.println("mock API server ready: " + objects.size() + " objects at " + api.url());
      System.out.flush();
      // Serves until the benchmark ends the process by its PID.
      new java.util.concurrent.CountDownLatch(1).await();
    }
  }

  private static void create(NamespacedKubernetesClient client, HasMetadata object) {
    client.resource(object).create();
  }
}
