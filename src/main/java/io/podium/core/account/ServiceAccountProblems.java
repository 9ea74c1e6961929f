package io.podium.core.account;

import io.podium.core.RoleOutcome;

/**
 * Hears of a service account's role that was not given to a pod (the namespace does not permit it,
 * or it is not a role ARN), so that the account's owner can see why where they look: on Kubernetes,
 * as Events on the ServiceAccount. Called on request threads: implementations return at once and
 * never throw.
 */
public interface ServiceAccountProblems {

  ServiceAccountProblems NONE = (account, pod, kind, reason) -> {};

  /**
   * @param pod the pod's name as the request shows it ({@code namespace/name}, or its generateName
   *     prefix when it has no name yet)
   * @param kind {@link RoleOutcome.Refusal#POLICY_DENIED} or {@link
   *     RoleOutcome.Refusal#INVALID_ANNOTATION}
   * @param reason what to fix, safe to show
   */
  void roleRefused(ServiceAccountView account, String pod, RoleOutcome.Refusal kind, String reason);
}
