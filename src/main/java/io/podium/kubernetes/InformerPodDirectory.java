package io.podium.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.podium.core.PodProblems;
import io.podium.core.PodSource;
import io.podium.core.WaitingPodLookup;
import io.podium.core.broker.Scheduler;
import io.podium.core.pod.PodChangeListener;
import io.podium.core.pod.PodIdentity;
import io.podium.core.pod.PodIpIndex;
import io.podium.core.pod.PodLookup;
import io.podium.core.role.NamespacePolicy;
import io.podium.core.role.RoleBaseArn;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pod directory of a cluster: fabric8 informers on pods, namespaces and service accounts, kept
 * as a compact view (never whole objects), answering "who holds this IP" from memory. In standalone
 * mode only this node's pods are watched: the node becomes a {@code spec.nodeName} field selector
 * on the list and the watch themselves, so the API server sends nothing else.
 *
 * <p>A caller whose IP no pod holds yet waits, up to the pod wait, for the event that brings its
 * pod ({@link WaitingPodLookup}). {@link #start} lists namespaces and service accounts before pods,
 * so that the first pods are judged with their policies and roles, and returns once all three are
 * synced or fails with a {@link PodSourceException} that says what to fix.
 *
 * <p>Made {@linkplain #reportingEvents reporting Events}, it tells the owners of pods of the
 * problems they should see; else problems go nowhere.
 */
public final class InformerPodDirectory implements PodSource {

  private static final Logger log = LoggerFactory.getLogger(InformerPodDirectory.class);

  /**
   * What to watch and how long to wait.
   *
   * @param nodeName the node whose pods are served; {@code null} watches every pod
   * @param roleBaseArn {@code --role-base-arn}, which gives bare role names in policies meaning
   * @param podWait how long a caller with an unknown IP waits for its pod's event
   * @param syncTimeout how long {@link #start} waits for the informers' first lists
   * @param listPageSize how many objects each list request asks for ({@code limit}); the informers
   *     follow the API server's {@code continue} token until the list is complete. 0: no limit, and
   *     the first list is answered from the API server's watch cache ({@code resourceVersion=0})
   */
  public record Settings(
      String nodeName,
      Optional<RoleBaseArn> roleBaseArn,
      Duration podWait,
      Duration syncTimeout,
      long listPageSize) {

    /**
     * The page size of kube-apiserver's own clients (client-go's pager and reflector ask for 500):
     * a server tracking every pod of a 100,000-pod cluster then receives 200 responses of about 1.5
     * MB of JSON each (bench/scale.sh's pods: 3 KB each), each parsed and applied before the next
     * is requested, instead of one response of some 300 MB that the client would hold whole. Larger
     * pages save little (the round trips are a small part of a list); much smaller ones multiply
     * the requests.
     */
    public static final long DEFAULT_LIST_PAGE_SIZE = 500;

    public Settings {
      if (listPageSize < 0) {
        throw new IllegalArgumentException(
            "listPageSize must not be negative, got " + listPageSize);
      }
    }

    /**
     * Settings for a node's process or for the whole cluster. The whole cluster's lists (the
     * server's: every pod) come in pages of {@link #DEFAULT_LIST_PAGE_SIZE}. A node's lists (its
     * own pods, and every namespace and service account) are asked for unpaged, so that the API
     * server answers them from its watch cache: a paged list is a consistent read that, before
     * Kubernetes serves those from the cache too, goes to etcd — and with a node's field selector
     * reads every pod of the cluster there to find the node's, once for each node of a DaemonSet.
     */
    public Settings(
        String nodeName,
        Optional<RoleBaseArn> roleBaseArn,
        Duration podWait,
        Duration syncTimeout) {
      this(
          nodeName,
          roleBaseArn,
          podWait,
          syncTimeout,
          nodeName == null ? DEFAULT_LIST_PAGE_SIZE : 0);
    }
  }

  private final Settings settings;
  private final PodIpIndex index = new PodIpIndex();
  private final WaitingPodLookup lookups;
  private final ClusterView view;
  private final KubernetesMetrics metrics;
  private final SharedIndexInformer<Pod> pods;
  private final SharedIndexInformer<Namespace> namespaces;
  private final SharedIndexInformer<ServiceAccount> serviceAccounts;
  private final java.util.Map<SharedIndexInformer<?>, CompletableFuture<Void>> firstListHandled =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final KubernetesPodEvents events;

  /**
   * Builds the informers; nothing is sent to the API server until {@link #start}.
   *
   * @param clock the time against which termination grace periods are judged
   * @param scheduler ends the waits of callers whose pod did not appear
   * @param registry where the {@code podium_kubernetes_*} metrics go (removed on {@link #close})
   */
  public InformerPodDirectory(
      KubernetesClient client,
      Settings settings,
      Clock clock,
      Scheduler scheduler,
      PrometheusRegistry registry) {
    this(client, settings, clock, scheduler, registry, null);
  }

  /**
   * A directory whose {@link #problems} become Kubernetes Events on the pods, sent as {@code
   * reportingInstance} (the node's name, or a server replica's); closing it stops them too.
   */
  public static InformerPodDirectory reportingEvents(
      KubernetesClient client,
      Settings settings,
      String reportingInstance,
      Clock clock,
      Scheduler scheduler,
      PrometheusRegistry registry) {
    return new InformerPodDirectory(
        client,
        settings,
        clock,
        scheduler,
        registry,
        new KubernetesPodEvents(
            client, reportingInstance, clock, KubernetesPodEvents.DEFAULT_INTERVAL, registry));
  }

  private InformerPodDirectory(
      KubernetesClient client,
      Settings settings,
      Clock clock,
      Scheduler scheduler,
      PrometheusRegistry registry,
      KubernetesPodEvents events) {
    this.settings = settings;
    this.events = events;
    this.metrics = new KubernetesMetrics(registry);
    this.lookups =
        new WaitingPodLookup(
            index,
            clock,
            scheduler,
            settings.podWait(),
            WaitingPodLookup.DEFAULT_MAX_WAITERS,
            metrics);
    this.view = new ClusterView(settings.nodeName(), settings.roleBaseArn(), index, lookups);

    // With a page size every list is paged (limit, then continue until the last page). Without
    // one fabric8 asks for the whole collection at once (resourceVersion=0, the API server's watch
    // cache): one response that it reads and holds whole, hundreds of MB for every pod of a large
    // cluster. With one it lists without resourceVersion, so the pages are a consistent read: a
    // little more work for the API server, on a replica's start and after a lost watch only.
    Long pageSize = settings.listPageSize() > 0 ? settings.listPageSize() : null;
    var podOperation = client.pods().inAnyNamespace();
    pods =
        informer(
            settings.nodeName() == null
                ? podOperation.withLimit(pageSize).runnableInformer(0)
                : podOperation
                    .withField("spec.nodeName", settings.nodeName())
                    .withLimit(pageSize)
                    .runnableInformer(0),
            Pod::new,
            view::podChanged,
            view::podUpdated,
            view::podDeleted,
            KubernetesMetrics.Resource.PODS);
    namespaces =
        informer(
            client.namespaces().withLimit(pageSize).runnableInformer(0),
            Namespace::new,
            view::namespaceChanged,
            (before, after) -> view.namespaceChanged(after),
            view::namespaceDeleted,
            KubernetesMetrics.Resource.NAMESPACES);
    serviceAccounts =
        informer(
            client.serviceAccounts().inAnyNamespace().withLimit(pageSize).runnableInformer(0),
            ServiceAccount::new,
            view::serviceAccountChanged,
            (before, after) -> view.serviceAccountChanged(after),
            view::serviceAccountDeleted,
            KubernetesMetrics.Resource.SERVICEACCOUNTS);
    metrics.watch(
        index::size,
        index::ambiguousLookups,
        lookups::waiting,
        state(pods),
        state(namespaces),
        state(serviceAccounts));
  }

  /**
   * Lists and starts watching; returns once every informer is synced.
   *
   * @throws PodSourceException when the API server refuses, cannot be reached, or the lists take
   *     longer than the sync timeout
   */
  @Override
  public void start() {
    long deadline = System.nanoTime() + settings.syncTimeout().toNanos();
    // Policies and service-account roles first: the first pods are then judged with them, instead
    // of being refused as if their namespace had no policy.
    awaitSync(deadline, namespaces, serviceAccounts);
    awaitSync(deadline, pods);
    log.info(
        "Kubernetes informers synced: {} pods{}",
        index.size(),
        settings.nodeName() == null ? "" : " on node " + settings.nodeName());
  }

  /** Listeners hear the changes on the informers' threads. */
  @Override
  public void addListener(PodChangeListener listener) {
    view.addListener(listener);
  }

  @Override
  public int podCount() {
    return index.size();
  }

  @Override
  public void retell(PodChangeListener listener) {
    view.retell(listener);
  }

  @Override
  public PodProblems problems() {
    return events != null ? events : PodProblems.NONE;
  }

  @Override
  public CompletionStage<PodLookup> findByIp(InetAddress ip) {
    return lookups.find(ip);
  }

  @Override
  public CompletionStage<Optional<PodIdentity>> findByUid(String uid) {
    return lookups.findByUid(uid);
  }

  @Override
  public NamespacePolicy namespacePolicy(String namespace) {
    return view.namespacePolicy(namespace);
  }

  /** The pods tracked now. */
  public List<PodIdentity> pods() {
    return index.pods();
  }

  /** Whether every informer has listed its resource. */
  @Override
  public boolean synced() {
    return pods.hasSynced() && namespaces.hasSynced() && serviceAccounts.hasSynced();
  }

  /** How many lookups found several pods that may hold credentials on one IP. */
  public long ambiguousLookups() {
    return index.ambiguousLookups();
  }

  @Override
  public void close() {
    for (SharedIndexInformer<?> informer : List.of(pods, namespaces, serviceAccounts)) {
      try {
        informer.stop();
      } catch (RuntimeException e) {
        log.warn("stopping the {} informer failed", informer.getApiTypeClass().getSimpleName(), e);
      }
    }
    metrics.close();
    if (events != null) {
      events.close();
    }
  }

  private void awaitSync(long deadline, SharedIndexInformer<?>... informers) {
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    for (SharedIndexInformer<?> informer : informers) {
      futures.add(informer.start().toCompletableFuture());
      // Synced means listed; the handlers hear the listed objects on their own thread, and
      // onList after the last of them.
      futures.add(firstListHandled.get(informer));
    }
    try {
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
          .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new PodSourceException(
          "the Kubernetes API server did not list "
              + describe(informers)
              + " within "
              + settings.syncTimeout().toSeconds()
              + " s; check that it is reachable from this node (--kubeconfig, or the in-cluster"
              + " service account)",
          e);
    } catch (ExecutionException e) {
      throw PodSourceException.translate(describe(informers), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PodSourceException("interrupted while listing " + describe(informers), e);
    }
  }

  private static String describe(SharedIndexInformer<?>... informers) {
    List<String> kinds = new ArrayList<>();
    for (SharedIndexInformer<?> informer : informers) {
      kinds.add(informer.getApiTypeClass().getSimpleName().toLowerCase(Locale.ROOT) + "s");
    }
    return String.join(" and ", kinds);
  }

  private static KubernetesMetrics.InformerState state(SharedIndexInformer<?> informer) {
    return new KubernetesMetrics.InformerState(informer::hasSynced, informer::isWatching);
  }

  private <T extends HasMetadata> SharedIndexInformer<T> informer(
      SharedIndexInformer<T> informer,
      Supplier<T> factory,
      Consumer<T> added,
      BiConsumer<T, T> updated,
      Consumer<T> deleted,
      KubernetesMetrics.Resource resource) {
    // The default namespace index would keep a second map of every key; nothing here uses it.
    informer.removeNamespaceIndex();
    informer.itemStore(new MetadataOnlyStore<>(factory));
    CompletableFuture<Void> listed = new CompletableFuture<>();
    firstListHandled.put(informer, listed);
    informer.addEventHandler(new Handler<>(added, updated, deleted, resource, listed));
    return informer;
  }

  /** Hands informer events to the view; counts re-lists. */
  private final class Handler<T> implements ResourceEventHandler<T> {
    private final Consumer<T> added;
    private final BiConsumer<T, T> updated;
    private final Consumer<T> deleted;
    private final KubernetesMetrics.Resource resource;
    private final CompletableFuture<Void> listed;

    Handler(
        Consumer<T> added,
        BiConsumer<T, T> updated,
        Consumer<T> deleted,
        KubernetesMetrics.Resource resource,
        CompletableFuture<Void> listed) {
      this.added = added;
      this.updated = updated;
      this.deleted = deleted;
      this.resource = resource;
      this.listed = listed;
    }

    @Override
    public void onList(String resourceVersion, boolean remainedEmpty) {
      listed.complete(null);
    }

    @Override
    public void onBeforeList(String lastSyncResourceVersion) {
      if (lastSyncResourceVersion != null) {
        // Not the first list: the watch was lost (410 Gone, a dropped connection).
        metrics.relisted(resource);
        log.info("re-listing {} after the watch was lost", resource.label());
      }
    }

    @Override
    public void onAdd(T object) {
      added.accept(object);
    }

    @Override
    public void onUpdate(T oldObject, T newObject) {
      updated.accept(oldObject, newObject);
    }

    @Override
    public void onDelete(T object, boolean deletedFinalStateUnknown) {
      deleted.accept(object);
    }
  }
}
