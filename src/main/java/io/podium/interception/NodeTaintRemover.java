package io.podium.interception;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * Removes the node's start-up taint ({@code --ready-taint}) once the node's agent serves, so that
 * pods asking for a role are scheduled only onto nodes where the interception is in place and
 * answered. Nodes register with the taint (kubelet {@code --register-with-taints}); this removes
 * it, and only it. Run by the process that holds Kubernetes rights (the server, or standalone):
 * agents keep holding none.
 *
 * <p>The removal is a JSON patch that first tests that the taint is still at the index it was read
 * at, so that a taint added or removed meanwhile by someone else is never removed by mistake; a
 * failed test (or a conflict) is retried on a fresh read.
 */
public final class NodeTaintRemover {

  private static final Logger log = LoggerFactory.getLogger(NodeTaintRemover.class);
  private static final int ATTEMPTS = 5;

  private final KubernetesClient client;
  private final String nodeName;
  private final String taintKey;
  private final JsonMapper json = JsonMapper.builder().build();

  /** What {@link #remove()} found. */
  public enum Outcome {
    /** The taint was there and is gone now. */
    REMOVED,
    /** The node has no such taint (already removed, or never set). */
    ABSENT,
    /** There is no node of that name. */
    NO_SUCH_NODE
  }

  /**
   * @param nodeName the node this process serves ({@code --node})
   * @param taintKey the taint's key; every effect with this key is removed
   */
  public NodeTaintRemover(KubernetesClient client, String nodeName, String taintKey) {
    this.client = client;
    this.nodeName = nodeName;
    this.taintKey = taintKey;
  }

  /**
   * Removes the taint, retrying when the node changed between read and write.
   *
   * @throws KubernetesClientException when the API server refuses (for example, no RBAC right to
   *     patch nodes) or the node kept changing
   */
  public Outcome remove() {
    KubernetesClientException lastConflict = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      Node node = client.nodes().withName(nodeName).get();
      if (node == null) {
        log.warn("Cannot remove taint {}: there is no node {}", taintKey, nodeName);
        return Outcome.NO_SUCH_NODE;
      }
      List<Taint> taints = node.getSpec() == null ? List.of() : node.getSpec().getTaints();
      ArrayNode patch = json.createArrayNode();
      // Removing from the end keeps the earlier indexes valid within the one patch.
      for (int i = taints == null ? -1 : taints.size() - 1; i >= 0; i--) {
        if (taintKey.equals(taints.get(i).getKey())) {
          String path = "/spec/taints/" + i;
          patch.addObject().put("op", "test").put("path", path + "/key").put("value", taintKey);
          patch.addObject().put("op", "remove").put("path", path);
        }
      }
      if (patch.isEmpty()) {
        return Outcome.ABSENT;
      }
      try {
        client
            .nodes()
            .withName(nodeName)
            .patch(PatchContext.of(PatchType.JSON), json.writeValueAsString(patch));
        log.info("Removed taint {} from node {}: the agent serves", taintKey, nodeName);
        return Outcome.REMOVED;
      } catch (KubernetesClientException e) {
        // 409 conflict, or 422 when the test operation failed because the taints moved.
        if (e.getCode() != 409 && e.getCode() != 422) {
          throw e;
        }
        lastConflict = e;
      }
    }
    throw new KubernetesClientException(
        "node " + nodeName + " kept changing while removing taint " + taintKey, lastConflict);
  }
}
