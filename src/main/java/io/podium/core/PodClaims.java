package io.podium.core;

import io.podium.core.pod.CredentialEligibility;
import io.podium.core.pod.Eligibility;
import io.podium.core.pod.PodClaim;
import io.podium.core.pod.PodIdentity;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Optional;

/**
 * The checks that turn a verified token's claim into a pod that may be served, shared by every
 * {@link TokenCallerCredentials}: the node the token names, the pod the pod source knows by the
 * caller's address (or, with the address check off, by the token's uid), and whether that is the
 * token's pod. What a caller is told names its own pod at most; the log gets the rest.
 */
public final class PodClaims {

  /**
   * How strictly a token is tied to its caller.
   *
   * @param checkAddress the caller's address must be one of the token's pod's addresses (a stolen
   *     token is then useless from elsewhere); off, the token alone identifies the pod
   * @param node this process's node, when it knows it: tokens and pods of other nodes are refused
   */
  public record Checks(boolean checkAddress, Optional<String> node) {

    /** The default: the address is checked; no node known (the pods file, dev mode). */
    public static Checks addressChecked() {
      return new Checks(true, Optional.empty());
    }
  }

  private PodClaims() {}

  /** A refusal when the token was issued on another node than {@code node}; empty otherwise. */
  public static Optional<RoleOutcome> otherNode(PodClaim claim, Optional<String> node) {
    if (node.isEmpty() || claim.claimedNode().isEmpty() || claim.node().equals(node.get())) {
      return Optional.empty();
    }
    return Optional.of(
        new RoleOutcome.Refused(
            RoleOutcome.Refusal.OTHER_NODE,
            "the token is for pod "
                + claim.qualifiedName()
                + " of node "
                + claim.node()
                + ", not of this node",
            null));
  }

  /**
   * The answer for a token whose caller's address was looked up as the metadata API looks it up:
   * the same outcome when it concerns the token's own pod, a refusal when the address is another
   * pod's, and what the lookup said when the address is no single pod's (503 unknown or shared, 403
   * the node's).
   */
  public static RoleOutcome confirmByAddress(
      PodClaim claim, InetAddress caller, RoleOutcome byAddress, Optional<String> node) {
    Optional<PodIdentity> pod = podOf(byAddress);
    if (pod.isEmpty()) {
      return byAddress;
    }
    if (!claim.isPod(pod.get())) {
      return new RoleOutcome.Refused(
          RoleOutcome.Refusal.WRONG_ADDRESS,
          "the token is pod "
              + claim.qualifiedName()
              + "'s, which does not hold the caller's address "
              + caller.getHostAddress(),
          null,
          "the token is pod "
              + claim.qualifiedName()
              + "'s (uid "
              + claim.uid()
              + "), presented from "
              + caller.getHostAddress()
              + ", which is pod "
              + pod.get().qualifiedName()
              + "'s (uid "
              + pod.get().uid()
              + ")");
    }
    return onOtherNode(pod.get(), node).orElse(byAddress);
  }

  /**
   * A refusal for the token's pod as the pod source knows it by uid (the address check off): when
   * it is not the token's, is on another node, or may not hold credentials now; empty when it may
   * be served.
   */
  public static Optional<RoleOutcome> refuseFound(
      PodClaim claim, PodIdentity pod, Instant now, Optional<String> node) {
    if (!claim.isPod(pod)) {
      return Optional.of(
          new RoleOutcome.Refused(
              RoleOutcome.Refusal.WRONG_ADDRESS,
              "the token does not match pod " + claim.qualifiedName() + " as it is known here",
              null,
              "the token names "
                  + claim.qualifiedName()
                  + " (service account "
                  + claim.serviceAccount()
                  + ") with uid "
                  + claim.uid()
                  + ", which is "
                  + pod.qualifiedName()
                  + " (service account "
                  + pod.serviceAccount()
                  + ")"));
    }
    Optional<RoleOutcome> elsewhere = onOtherNode(pod, node);
    if (elsewhere.isPresent()) {
      return elsewhere;
    }
    if (CredentialEligibility.check(pod, now) instanceof Eligibility.Ineligible(String reason)) {
      return Optional.of(new RoleOutcome.Refused(RoleOutcome.Refusal.POD_INELIGIBLE, reason, pod));
    }
    return Optional.empty();
  }

  /** The answer for a token whose pod the pod source does not know, even after waiting. */
  public static RoleOutcome unknown(PodClaim claim) {
    return new RoleOutcome.Unavailable(
        "pod "
            + claim.qualifiedName()
            + " of the token is not known here (yet, or any more): no pod with its uid");
  }

  private static Optional<RoleOutcome> onOtherNode(PodIdentity pod, Optional<String> node) {
    if (node.isEmpty() || pod.nodeName() == null || pod.nodeName().equals(node.get())) {
      return Optional.empty();
    }
    return Optional.of(
        new RoleOutcome.Refused(
            RoleOutcome.Refusal.OTHER_NODE,
            "pod " + pod.qualifiedName() + " runs on node " + pod.nodeName() + ", not this one",
            null));
  }

  private static Optional<PodIdentity> podOf(RoleOutcome outcome) {
    return switch (outcome) {
      case RoleOutcome.Permitted permitted -> Optional.of(permitted.pod());
      case RoleOutcome.NoRole noRole -> Optional.of(noRole.pod());
      case RoleOutcome.Refused refused -> Optional.ofNullable(refused.pod());
      case RoleOutcome.Unavailable unavailable -> Optional.empty();
    };
  }
}
