package io.podium.core;

import io.podium.core.pod.PodIdentity;
import io.podium.core.role.RoleArn;
import io.podium.core.role.RoleSource;
import io.podium.core.session.SessionRequest;
import org.jspecify.annotations.Nullable;

/**
 * Which role the caller at an IP may use, decided without calling STS: the basis of every metadata
 * answer. The HTTP layer maps each case to one status code.
 */
public sealed interface RoleOutcome {

  /** The caller's pod may assume {@code role} with {@code request}. */
  record Permitted(PodIdentity pod, RoleArn role, RoleSource source, SessionRequest request)
      implements RoleOutcome {}

  /** The caller's pod asks for no role (404). */
  record NoRole(PodIdentity pod) implements RoleOutcome {}

  /**
   * The caller may not have credentials (403).
   *
   * @param reason safe to show the caller: about the caller's own pod at most, never another pod
   * @param pod the caller's pod; {@code null} when the caller is the node
   * @param detail for the log: the reason with whatever it may not tell the caller (other pods)
   */
  record Refused(Refusal kind, String reason, @Nullable PodIdentity pod, String detail)
      implements RoleOutcome {

    /** A refusal whose reason tells the log nothing more. */
    public Refused(Refusal kind, String reason, @Nullable PodIdentity pod) {
      this(kind, reason, pod, reason);
    }
  }

  /**
   * Podium cannot answer correctly right now (503): unknown or ambiguous caller.
   *
   * @param reason safe to show the caller: names no pod but its own
   * @param detail for the log: the reason with whatever it may not tell the caller (other pods)
   */
  record Unavailable(String reason, String detail) implements RoleOutcome {

    /** An answer whose reason tells the log nothing more. */
    public Unavailable(String reason) {
      this(reason, reason);
    }
  }

  /** Why a caller was refused; bounded, so fit for a metric label. */
  enum Refusal {
    /** The node itself or a host-network pod. */
    HOST_ADDRESS,
    /** A malformed role, external-id or session-name annotation. */
    INVALID_ANNOTATION,
    /** The namespace policy does not permit the role. */
    POLICY_DENIED,
    /**
     * A service-account token presented from an address that is not its pod's, or naming a pod the
     * pod source knows differently (container credentials only).
     */
    WRONG_ADDRESS,
    /** A service-account token of a pod on another node (container credentials only). */
    OTHER_NODE,
    /**
     * A service-account token of a pod that may not hold credentials now: finished, past its grace
     * period, or on the host network (container credentials only).
     */
    POD_INELIGIBLE
  }
}
