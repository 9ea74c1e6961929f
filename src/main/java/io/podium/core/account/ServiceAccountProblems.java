package io.podium.core.account;

/**
 * Hears of a service account's role that was not given to a pod (the namespace does not permit it,
 * or it is not a role ARN), so that the account's owner can see why where they look: on Kubernetes,
 * as Events on the ServiceAccount. Called on request threads: implementations return at once and
 * never throw.
 */
public interface ServiceAccountProblems {

  ServiceAccountProblems NONE = (account, pod, kind, reason) -> {};

  /** Why an account's role was not given; bounded, fit for an Event reason. */
  enum Refusal {
    /** The namespace policy does not permit the role. */
    POLICY_DENIED,
    /** The role annotation is not a role ARN (or a bare name without a base ARN). */
    INVALID_ROLE
  }

  /**
   * @param pod the pod's name as the request shows it ({@code namespace/name}, or its generateName
   *     prefix when it has no name yet)
   * @param kind why
   * @param reason what to fix, safe to show
   */
  void roleRefused(ServiceAccountView account, String pod, Refusal kind, String reason);
}
