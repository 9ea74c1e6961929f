package io.podium.core;

import io.podium.core.broker.StsCallException;
import io.podium.core.pod.PodIdentity;
import io.podium.core.role.RoleArn;

/**
 * Hears of problems the owner of a pod should see where they look (on Kubernetes, as Events on the
 * pod): a role refused by policy or a malformed annotation, and an STS call that failed. Called on
 * request and watch threads: implementations return at once and never throw. Messages carry reasons
 * and role ARNs, never credentials.
 */
public interface PodProblems {

  PodProblems NONE =
      new PodProblems() {
        @Override
        public void roleRefused(PodIdentity pod, RoleOutcome.Refused refused) {}

        @Override
        public void stsFailed(PodIdentity pod, RoleArn role, StsCallException failure) {}
      };

  /** {@code pod}'s role was refused (policy, or an annotation that cannot be used). */
  void roleRefused(PodIdentity pod, RoleOutcome.Refused refused);

  /** STS gave {@code pod} no credentials for {@code role}, and nothing valid was cached. */
  void stsFailed(PodIdentity pod, RoleArn role, StsCallException failure);
}
