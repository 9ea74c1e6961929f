package io.podium.core.session;

/**
 * Session tags Podium can attach to AssumeRole, named as EKS Pod Identity names them so that
 * attribute-based policies written for it work unchanged. Tagging needs {@code sts:TagSession} in
 * the role's trust policy, and makes every pod its own session when the pod name or uid is tagged.
 */
public enum SessionTag {
  NAMESPACE("kubernetes-namespace"),
  POD_NAME("kubernetes-pod-name"),
  POD_UID("kubernetes-pod-uid"),
  SERVICE_ACCOUNT("kubernetes-service-account"),
  CLUSTER("eks-cluster-name");

  private final String key;

  SessionTag(String key) {
    this.key = key;
  }

  /** The tag key sent to STS. */
  public String key() {
    return key;
  }
}
