package io.podium.core.pod;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Locale;

/**
 * Who may hold credentials: a pod that is Pending or Running, holds the caller's IP, and is not on
 * the host network. A terminating pod keeps its role until its deletion timestamp (the end of its
 * grace period), because preStop hooks and shutdown code still need it — but only while a container
 * of it still runs: once every container has stopped ({@link PodPhase#STOPPED}) its IP may already
 * belong to a new pod.
 */
public final class CredentialEligibility {

  private CredentialEligibility() {}

  /** Whether {@code pod} may be given credentials at {@code now} (on any of its IPs). */
  public static Eligibility check(PodIdentity pod, Instant now) {
    if (pod.hostNetwork()) {
      return new Eligibility.Ineligible(
          "pod " + pod.qualifiedName() + " uses the host network and shares the node's IP");
    }
    if (pod.phase() == PodPhase.STOPPED) {
      return new Eligibility.Ineligible(
          "pod " + pod.qualifiedName() + " is terminating and its containers have stopped");
    }
    if (pod.phase() != PodPhase.PENDING && pod.phase() != PodPhase.RUNNING) {
      return new Eligibility.Ineligible(
          "pod " + pod.qualifiedName() + " is " + pod.phase().name().toLowerCase(Locale.ROOT));
    }
    if (pod.ips().isEmpty()) {
      return new Eligibility.Ineligible("pod " + pod.qualifiedName() + " has no IP yet");
    }
    if (pod.deletionTimestamp() != null && now.isAfter(pod.deletionTimestamp())) {
      return new Eligibility.Ineligible(
          "pod " + pod.qualifiedName() + " is past its termination grace period");
    }
    return Eligibility.ELIGIBLE;
  }

  /** Whether {@code pod} may be given credentials when called from {@code callerIp}. */
  public static Eligibility check(PodIdentity pod, InetAddress callerIp, Instant now) {
    if (!pod.hostNetwork() && !pod.hasIp(callerIp)) {
      return new Eligibility.Ineligible(
          "pod " + pod.qualifiedName() + " does not hold " + callerIp.getHostAddress());
    }
    return check(pod, now);
  }

  /** Shorthand for {@code check(pod, now) instanceof Eligible}. */
  public static boolean mayHoldCredentials(PodIdentity pod, Instant now) {
    return check(pod, now) instanceof Eligibility.Eligible;
  }
}
