package io.podium.core.role;

import java.util.Optional;

/**
 * Decides whether a namespace's pods may assume a role. Deny by default: a role is allowed only
 * when the namespace's {@code iam.amazonaws.com/permitted} regex or {@code
 * iam.amazonaws.com/allowed-roles} globs permit it. For migrations from kube2iam, whose namespace
 * restrictions were off by default, {@code --namespace-restrictions=false} allows any role in a
 * namespace that has neither annotation (annotated namespaces are still enforced).
 */
public final class RolePolicy {

  private final boolean namespaceRestrictions;

  public RolePolicy(boolean namespaceRestrictions) {
    this.namespaceRestrictions = namespaceRestrictions;
  }

  public Decision decide(NamespacePolicy namespace, RoleArn role) {
    Optional<String> rule = namespace.permittingRule(role);
    if (rule.isPresent()) {
      return new Decision.Allowed(
          "role "
              + role
              + " is permitted in namespace "
              + namespace.namespace()
              + " by "
              + rule.get());
    }
    if (!namespace.annotated()) {
      if (!namespaceRestrictions) {
        return new Decision.Allowed(
            "namespace restrictions are off and namespace "
                + namespace.namespace()
                + " has no policy annotation");
      }
      return new Decision.Denied(
          "namespace "
              + namespace.namespace()
              + " permits no role: annotate it with "
              + NamespacePolicy.PERMITTED_ANNOTATION
              + " (a regex over role ARNs or names) or "
              + AllowedRoles.ANNOTATION);
    }
    String problems =
        namespace.problems().isEmpty() ? "" : " (" + String.join("; ", namespace.problems()) + ")";
    return new Decision.Denied(
        "role " + role + " is not permitted in namespace " + namespace.namespace() + problems);
  }
}
