package io.podium.core.pod;

import java.util.Objects;
import java.util.Optional;

/**
 * Who a verified service-account token says its bearer is: the pod it was issued for (the {@code
 * kubernetes.io} claim of a projected token), and the node when the API server names it. Verified
 * means signed by the cluster, for the right audience and still valid; whether the pod is live, on
 * this node and at the caller's address is decided against the pod source.
 *
 * @param node the node the token was issued on ({@code kubernetes.io.node.name}, Kubernetes 1.30+);
 *     {@code null} when the token does not say
 */
public record PodClaim(
    String namespace, String name, String uid, String serviceAccount, String node) {

  public PodClaim {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(serviceAccount, "serviceAccount");
  }

  /** The node, when the token names one. */
  public Optional<String> claimedNode() {
    return Optional.ofNullable(node);
  }

  /**
   * Whether {@code pod} is the pod of this claim: the same uid, namespace, name and service
   * account. A uid alone would do for tokens the API server signed; the rest guards against a pod
   * source that disagrees with the token, which is then refused rather than trusted either way.
   */
  public boolean isPod(PodIdentity pod) {
    return uid.equals(pod.uid())
        && namespace.equals(pod.namespace())
        && name.equals(pod.name())
        && serviceAccount.equals(pod.serviceAccount());
  }

  /** {@code namespace/name}, the way operators name a pod. */
  public String qualifiedName() {
    return namespace + "/" + name;
  }

  @Override
  public String toString() {
    return "PodClaim[" + qualifiedName() + ", uid=" + uid + "]";
  }
}
