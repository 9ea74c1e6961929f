package io.podium.server;

import io.podium.core.NamespacePolicy;
import io.podium.core.PodChangeListener;
import io.podium.core.PodIdentity;
import io.podium.core.RoleDecider;
import io.podium.core.RoleOutcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Prefetching limited to the sessions this replica owns: passes a pod on to the core prefetcher
 * while its session is ours, and as removed while it is another replica's, re-deciding every pod
 * when ownership moves (a replica died or came back). The prefetcher then holds and releases
 * sessions in the broker as usual.
 */
public final class OwnedPrefetch implements PodChangeListener {

  private final PodChangeListener prefetcher;
  private final RoleDecider decider;
  private final Function<String, NamespacePolicy> namespaces;
  private final SessionOwnership ownership;
  private final Map<String, PodIdentity> pods = new HashMap<>();

  public OwnedPrefetch(
      PodChangeListener prefetcher,
      RoleDecider decider,
      Function<String, NamespacePolicy> namespaces,
      SessionOwnership ownership) {
    this.prefetcher = prefetcher;
    this.decider = decider;
    this.namespaces = namespaces;
    this.ownership = ownership;
    ownership.onChange(this::ownershipChanged);
  }

  @Override
  public synchronized void podUpserted(PodIdentity pod) {
    pods.put(pod.uid(), pod);
    pass(pod);
  }

  @Override
  public synchronized void podRemoved(PodIdentity pod) {
    pods.remove(pod.uid());
    prefetcher.podRemoved(pod);
  }

  @Override
  public synchronized void namespaceChanged(String namespace) {
    for (PodIdentity pod : new ArrayList<>(pods.values())) {
      if (pod.namespace().equals(namespace)) {
        pass(pod);
      }
    }
  }

  /** Re-decides every pod: sessions this replica gained are fetched, those it lost released. */
  public synchronized void ownershipChanged() {
    for (PodIdentity pod : new ArrayList<>(pods.values())) {
      pass(pod);
    }
  }

  private void pass(PodIdentity pod) {
    RoleOutcome outcome = decider.decide(pod, namespaces.apply(pod.namespace()));
    if (outcome instanceof RoleOutcome.Permitted permitted
        && !ownership.owns(permitted.request())) {
      prefetcher.podRemoved(pod);
    } else {
      // Ours, or no session at all (the prefetcher then releases whatever it held).
      prefetcher.podUpserted(pod);
    }
  }
}
