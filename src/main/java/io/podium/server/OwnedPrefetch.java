package io.podium.server;

import io.podium.core.RoleDecider;
import io.podium.core.RoleOutcome;
import io.podium.core.pod.PodChangeListener;
import io.podium.core.pod.PodIdentity;
import io.podium.core.role.NamespacePolicy;
import java.util.function.Consumer;
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
  private final Consumer<PodChangeListener> retell;

  /**
   * @param retell asks the pod source to tell a listener of it every pod again, in order with its
   *     other events (a source tells nothing to a listener it does not have yet): used when
   *     ownership moves, instead of a copy of every pod kept here
   */
  public OwnedPrefetch(
      PodChangeListener prefetcher,
      RoleDecider decider,
      Function<String, NamespacePolicy> namespaces,
      SessionOwnership ownership,
      Consumer<PodChangeListener> retell) {
    this.prefetcher = prefetcher;
    this.decider = decider;
    this.namespaces = namespaces;
    this.ownership = ownership;
    this.retell = retell;
    ownership.onChange(this::ownershipChanged);
  }

  @Override
  public synchronized void podUpserted(PodIdentity pod) {
    pass(pod);
  }

  @Override
  public synchronized void podRemoved(PodIdentity pod) {
    prefetcher.podRemoved(pod);
  }

  /**
   * Re-decides every pod: sessions this replica gained are fetched, those it lost released. The
   * source tells the pods again between its other events, so none is told after its removal. Not
   * holding this object's lock: the source calls in holding its own.
   */
  public void ownershipChanged() {
    retell.accept(this);
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
