package io.podium.kubernetes;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.podium.core.WaitingPodLookup;
import io.podium.core.broker.Scheduler;
import io.podium.core.pod.PodIpIndex;
import io.podium.core.role.RoleBaseArn;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * For the scale model (bench/scale.sh), as a comparison: what {@link InformerPodDirectory} keeps,
 * fed with manifests directly instead of through an API server. Each event does what fabric8's
 * informer does with it — the item store ({@link MetadataOnlyStore}) takes the object, then the
 * handler hands it to the {@link ClusterView} — so the store and view's own cost and memory show
 * without HTTP and JSON.
 */
public final class InformerFeed {

  private final MetadataOnlyStore<Pod> pods = new MetadataOnlyStore<>(Pod::new);
  private final MetadataOnlyStore<Namespace> namespaces = new MetadataOnlyStore<>(Namespace::new);
  private final MetadataOnlyStore<ServiceAccount> serviceAccounts =
      new MetadataOnlyStore<>(ServiceAccount::new);
  private final PodIpIndex index = new PodIpIndex();
  private final ClusterView view;

  /** A view of every pod (a server's: no node filter). */
  public InformerFeed(Optional<RoleBaseArn> base, Clock clock, Scheduler scheduler) {
    WaitingPodLookup lookups =
        new WaitingPodLookup(
            index,
            clock,
            scheduler,
            Duration.ofMillis(500),
            WaitingPodLookup.DEFAULT_MAX_WAITERS,
            WaitingPodLookup.Observer.NONE);
    view = new ClusterView(null, base, index, lookups);
  }

  public void namespace(Namespace namespace) {
    namespaces.put(namespaces.getKey(namespace), namespace);
    view.namespaceChanged(namespace);
  }

  public void serviceAccount(ServiceAccount account) {
    serviceAccounts.put(serviceAccounts.getKey(account), account);
    view.serviceAccountChanged(account);
  }

  /** A pod added or changed, as a list or a watch delivers it. */
  public void pod(Pod pod) {
    Pod before = pods.put(pods.getKey(pod), pod);
    if (before == null) {
      view.podChanged(pod);
    } else {
      view.podUpdated(before, pod);
    }
  }

  public int storedPods() {
    return pods.size();
  }
}
