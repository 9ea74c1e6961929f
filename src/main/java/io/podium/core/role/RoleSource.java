package io.podium.core.role;

/** Where a pod's role came from, for audit records and explanations. */
public enum RoleSource {
  /** The pod's {@code iam.amazonaws.com/role} annotation. */
  POD_ANNOTATION,
  /** The {@code eks.amazonaws.com/role-arn} annotation of the pod's service account. */
  SERVICE_ACCOUNT,
  /** {@code --default-role}, for pods that ask for nothing. */
  DEFAULT_ROLE
}
