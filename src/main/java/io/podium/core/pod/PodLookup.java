package io.podium.core.pod;

import java.util.List;

/** What a pod directory knows about the holder of one IP. */
public sealed interface PodLookup {

  /** Exactly one pod that may hold credentials has this IP. */
  record Found(PodIdentity pod) implements PodLookup {}

  /** No pod that may hold credentials has this IP, even after waiting for news of one. */
  record NotFound(String reason) implements PodLookup {}

  /** Several pods that may hold credentials claim this IP: answering would be a guess. */
  record Ambiguous(List<PodIdentity> pods) implements PodLookup {
    public Ambiguous {
      pods = List.copyOf(pods);
    }
  }

  /**
   * The IP belongs to the node itself or to a host-network pod: never a pod's role, and no waiting.
   */
  record HostAddress(String reason) implements PodLookup {}
}
