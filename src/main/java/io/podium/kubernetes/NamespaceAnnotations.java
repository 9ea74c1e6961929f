package io.podium.kubernetes;

import io.podium.core.role.AllowedRoles;
import io.podium.core.role.NamespacePolicy;
import io.podium.core.role.RoleBaseArn;
import java.util.Objects;
import java.util.Optional;

/**
 * The annotations that make up a namespace's policy, read and parsed but not compiled. Two equal
 * values compile to the same policy, so sources compare these to tell whether a namespace's policy
 * changed.
 *
 * @param permitted the {@code iam.amazonaws.com/permitted} regex, or {@code null}
 * @param allowedRoles the parsed {@code iam.amazonaws.com/allowed-roles} list
 * @param podSessionNames whether {@code podium.io/allow-pod-session-names} is {@code "true"}
 */
record NamespaceAnnotations(
    String namespace, String permitted, AllowedRoles allowedRoles, boolean podSessionNames) {

  NamespaceAnnotations {
    Objects.requireNonNull(namespace, "namespace");
    allowedRoles = allowedRoles == null ? AllowedRoles.ABSENT : allowedRoles;
  }

  NamespaceAnnotations(String namespace, String permitted, AllowedRoles allowedRoles) {
    this(namespace, permitted, allowedRoles, false);
  }

  /** A namespace without policy annotations, or one the source has not seen. */
  static NamespaceAnnotations none(String namespace) {
    return new NamespaceAnnotations(namespace, null, AllowedRoles.ABSENT, false);
  }

  NamespacePolicy compile(Optional<RoleBaseArn> base) {
    return NamespacePolicy.compile(namespace, permitted, allowedRoles, podSessionNames, base);
  }
}
