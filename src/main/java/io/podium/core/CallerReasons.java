package io.podium.core;

import io.podium.core.pod.PodIdentity;
import io.podium.core.pod.PodLookup;

/**
 * What the caller at an IP is told when no single pod holds it, and what the log is told. A caller
 * learns that its address is unknown, shared or the node's, never the names of the pods that hold
 * it or held it before: those are its neighbours. The log keeps them.
 */
public final class CallerReasons {

  private CallerReasons() {}

  /**
   * The outcome for a lookup that found no single pod ({@link PodLookup.Found} is for the role
   * decision, not for this).
   *
   * @throws IllegalArgumentException for {@link PodLookup.Found}
   */
  public static RoleOutcome withoutPod(PodLookup lookup) {
    return switch (lookup) {
      case PodLookup.NotFound notFound ->
          new RoleOutcome.Unavailable(
              "no pod that may hold credentials is known at the caller's address yet",
              notFound.reason());
      case PodLookup.Ambiguous ambiguous ->
          new RoleOutcome.Unavailable(
              "the caller's address is claimed by "
                  + ambiguous.pods().size()
                  + " pods; refusing to guess",
              "IP is claimed by "
                  + ambiguous.pods().size()
                  + " pods ("
                  + String.join(
                      ", ", ambiguous.pods().stream().map(PodIdentity::qualifiedName).toList())
                  + "); refusing to guess");
      case PodLookup.HostAddress host ->
          new RoleOutcome.Refused(
              RoleOutcome.Refusal.HOST_ADDRESS,
              "the caller's address is the node's (or a host-network pod's): no pod's role is"
                  + " served to it",
              null,
              host.reason());
      case PodLookup.Found found ->
          throw new IllegalArgumentException("a found pod is decided, not explained");
    };
  }
}
