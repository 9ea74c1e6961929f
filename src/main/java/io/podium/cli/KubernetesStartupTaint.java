package io.podium.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.podium.interception.NodeTaintRemover;
import io.podium.server.StartupTaint;

/**
 * The server's {@link StartupTaint} on the Kubernetes API: {@link NodeTaintRemover} for the node an
 * agent authenticated as, its client errors turned into {@link StartupTaint.Failed} with the API
 * server's status code, which the gRPC layer answers as UNAVAILABLE.
 */
final class KubernetesStartupTaint implements StartupTaint {

  private final KubernetesClient kubernetes;
  private final String key;

  /**
   * @param key the taint's key ({@code --ready-taint}); every effect with it is removed
   */
  KubernetesStartupTaint(KubernetesClient kubernetes, String key) {
    this.kubernetes = kubernetes;
    this.key = key;
  }

  @Override
  public Removal removeFrom(String node) {
    try {
      return switch (new NodeTaintRemover(kubernetes, node, key).remove()) {
        case REMOVED -> Removal.REMOVED;
        case ABSENT -> Removal.ABSENT;
        case NO_SUCH_NODE -> Removal.NO_SUCH_NODE;
      };
    } catch (KubernetesClientException e) {
      // No status code (0 or -1): no answer at all, the API server unreachable.
      throw new StartupTaint.Failed(
          (e.getCode() <= 0
                  ? "the API server did not answer"
                  : "the API server answered " + e.getCode())
              + ": "
              + e.getMessage(),
          e);
    }
  }
}
