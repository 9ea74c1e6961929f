package io.podium.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.podium.core.account.ServiceAccountDirectory;
import io.podium.core.account.ServiceAccountLookup;
import io.podium.core.account.ServiceAccountView;
import io.podium.core.role.NamespacePolicy;
import io.podium.core.role.RoleBaseArn;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service accounts and namespace policies of a cluster for the admission webhook: fabric8
 * informers on every ServiceAccount and Namespace, kept as compact views (an account's identity and
 * its annotations under the prefixes asked for; a namespace's compiled policy).
 *
 * <p>A pod is often created moments after its service account or namespace (one {@code kubectl
 * apply}, one Helm release), before the informer's event arrives. The upstream webhook then leaves
 * the pod unmutated, and it runs with the node's role. Here a lookup the cache cannot answer reads
 * what is missing from the API server instead, once for any number of pods asking at the same time,
 * and gives up after the read timeout with {@link ServiceAccountLookup.Unavailable}. What a read
 * finds is kept until the informer's own event replaces it.
 */
public final class InformerServiceAccountDirectory
    implements ServiceAccountDirectory, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(InformerServiceAccountDirectory.class);

  /**
   * What to keep and how long to wait.
   *
   * @param annotationPrefixes an account's annotations under these domains are kept (e.g. {@code
   *     eks.amazonaws.com}), the others dropped
   * @param roleBaseArn what bare role names in namespace policies mean
   * @param readTimeout how long a lookup the cache cannot answer waits for the API server
   * @param syncTimeout how long {@link #start} waits for the informers' first lists
   */
  public record Settings(
      Set<String> annotationPrefixes,
      Optional<RoleBaseArn> roleBaseArn,
      Duration readTimeout,
      Duration syncTimeout) {

    public Settings {
      annotationPrefixes = Set.copyOf(annotationPrefixes);
      Objects.requireNonNull(roleBaseArn, "roleBaseArn");
      if (readTimeout.isNegative() || readTimeout.isZero()) {
        throw new IllegalArgumentException("the read timeout must be positive, got " + readTimeout);
      }
    }
  }

  /** How a lookup was answered; the {@code result} label. */
  enum Result {
    CACHED,
    READ,
    NOT_FOUND,
    FAILED,
    TIMED_OUT;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final KubernetesClient client;
  private final Settings settings;
  private final PrometheusRegistry registry;
  private final Counter lookups;
  private final ExecutorService reads =
      Executors.newThreadPerTaskExecutor(
          Thread.ofVirtual().name("podium-account-read-", 0).factory());
  private final SharedIndexInformer<ServiceAccount> accountInformer;
  private final SharedIndexInformer<Namespace> namespaceInformer;
  private final Map<SharedIndexInformer<?>, CompletableFuture<Void>> listed =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ServiceAccountView> accounts = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, NamespacePolicy> policies = new ConcurrentHashMap<>();
  // Guarded by itself: what each namespace's policy was compiled from, to compile only changes.
  private final Map<String, NamespaceAnnotations> namespaceAnnotations = new LinkedHashMap<>();
  private final ConcurrentHashMap<String, CompletableFuture<ServiceAccountLookup>> inFlight =
      new ConcurrentHashMap<>();

  /**
   * Builds the informers; nothing is sent to the API server until {@link #start}.
   *
   * @param registry where {@code podium_kubernetes_service_account_lookups_total} goes (removed on
   *     {@link #close})
   */
  public InformerServiceAccountDirectory(
      KubernetesClient client, Settings settings, PrometheusRegistry registry) {
    this.client = client;
    this.settings = settings;
    this.registry = registry;
    this.lookups =
        Counter.builder()
            .name("podium_kubernetes_service_account_lookups_total")
            .help(
                "Service-account lookups of the admission webhook: cached (answered from the"
                    + " informers), read (from the API server, the cache not having it yet),"
                    + " not_found, failed, timed_out")
            .labelNames("result")
            .register(registry);
    for (Result result : Result.values()) {
      lookups.initLabelValues(result.label());
    }
    accountInformer =
        informer(
            client.serviceAccounts().inAnyNamespace().runnableInformer(0),
            ServiceAccount::new,
            this::accountChanged,
            this::accountDeleted);
    namespaceInformer =
        informer(
            client.namespaces().runnableInformer(0),
            Namespace::new,
            this::namespaceChanged,
            this::namespaceDeleted);
  }

  /**
   * Lists and starts watching; returns once both informers are synced.
   *
   * @throws PodSourceException when the API server refuses, cannot be reached, or the lists take
   *     longer than the sync timeout
   */
  public void start() {
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    for (SharedIndexInformer<?> informer : List.of(namespaceInformer, accountInformer)) {
      futures.add(informer.start().toCompletableFuture());
      futures.add(listed.get(informer));
    }
    String what = "namespaces and serviceaccounts";
    try {
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
          .get(settings.syncTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new PodSourceException(
          "the Kubernetes API server did not list "
              + what
              + " within "
              + settings.syncTimeout().toSeconds()
              + " s; check that it is reachable (--kubeconfig, or the in-cluster service account)",
          e);
    } catch (ExecutionException e) {
      throw PodSourceException.translate(what, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PodSourceException("interrupted while listing " + what, e);
    }
    log.info(
        "Kubernetes informers synced: {} service accounts, {} namespaces",
        accounts.size(),
        policies.size());
  }

  /** Whether both informers have listed their resource (for readiness). */
  public boolean synced() {
    return accountInformer.hasSynced() && namespaceInformer.hasSynced();
  }

  @Override
  public CompletionStage<ServiceAccountLookup> find(String namespace, String name) {
    String key = namespace + "/" + name;
    ServiceAccountView account = accounts.get(key);
    NamespacePolicy policy = policies.get(namespace);
    if (account != null && policy != null) {
      lookups.labelValues(Result.CACHED.label()).inc();
      return CompletableFuture.completedFuture(new ServiceAccountLookup.Found(account, policy));
    }
    // One read for every pod of a new Deployment asking at once.
    CompletableFuture<ServiceAccountLookup> read =
        inFlight.computeIfAbsent(key, k -> read(namespace, name));
    // Everyone asking gets the one read itself; the cleanup's own future is of no use to them.
    var _ = read.whenComplete((result, failure) -> inFlight.remove(key, read));
    return read;
  }

  /** Reads what the cache lacks of {@code namespace/name}, bounded by the read timeout. */
  private CompletableFuture<ServiceAccountLookup> read(String namespace, String name) {
    String key = namespace + "/" + name;
    Duration timeout = settings.readTimeout();
    return CompletableFuture.supplyAsync(() -> readNow(namespace, name), reads)
        .completeOnTimeout(null, timeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (result, failure) -> {
              if (failure != null) {
                Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                lookups.labelValues(Result.FAILED.label()).inc();
                String reason =
                    "reading service account "
                        + key
                        + " from the API server failed: "
                        + describe(cause);
                log.warn("{}", reason);
                return new ServiceAccountLookup.Unavailable(reason);
              }
              if (result == null) {
                lookups.labelValues(Result.TIMED_OUT.label()).inc();
                String reason =
                    "service account "
                        + key
                        + " is not cached yet and the API server did not answer within "
                        + timeout.toMillis()
                        + " ms";
                log.warn("{}", reason);
                return new ServiceAccountLookup.Unavailable(reason);
              }
              lookups
                  .labelValues(
                      (result instanceof ServiceAccountLookup.Found
                              ? Result.READ
                              : Result.NOT_FOUND)
                          .label())
                  .inc();
              return result;
            });
  }

  private ServiceAccountLookup readNow(String namespace, String name) {
    String key = namespace + "/" + name;
    ServiceAccountView account = accounts.get(key);
    if (account == null) {
      ServiceAccount found = client.serviceAccounts().inNamespace(namespace).withName(name).get();
      if (found == null) {
        return new ServiceAccountLookup.NotFound("service account " + key + " does not exist");
      }
      account = project(found);
      // Kept until the informer's own event for it replaces it, or its delete removes it.
      ServiceAccountView raced = accounts.putIfAbsent(key, account);
      account = raced != null ? raced : account;
    }
    NamespacePolicy policy = policies.get(namespace);
    if (policy == null) {
      Namespace found = client.namespaces().withName(namespace).get();
      policy =
          found == null ? NamespacePolicy.unannotated(namespace) : namespaceChanged(found, true);
    }
    log.info("service account {} was not cached yet: read it from the API server", key);
    return new ServiceAccountLookup.Found(account, policy);
  }

  @Override
  public void close() {
    for (SharedIndexInformer<?> informer : List.of(accountInformer, namespaceInformer)) {
      try {
        informer.stop();
      } catch (RuntimeException e) {
        log.warn("stopping the {} informer failed", informer.getApiTypeClass().getSimpleName(), e);
      }
    }
    reads.shutdownNow();
    registry.unregister(lookups);
  }

  // --- informer events ------------------------------------------------------------------------

  private void accountChanged(ServiceAccount account) {
    if (account.getMetadata() == null || account.getMetadata().getName() == null) {
      return;
    }
    ServiceAccountView view = project(account);
    accounts.put(view.qualifiedName(), view);
  }

  private void accountDeleted(ServiceAccount account) {
    ObjectMeta metadata = account.getMetadata();
    if (metadata != null && metadata.getName() != null) {
      accounts.remove(namespaceOf(metadata) + "/" + metadata.getName());
    }
  }

  private void namespaceChanged(Namespace namespace) {
    namespaceChanged(namespace, false);
  }

  /**
   * Compiles {@code namespace}'s policy when its annotations changed.
   *
   * @param onlyIfAbsent for a namespace read on a cache miss: the informer's view, if it arrived
   *     meanwhile, wins
   */
  private NamespacePolicy namespaceChanged(Namespace namespace, boolean onlyIfAbsent) {
    NamespaceAnnotations annotations;
    try {
      annotations = NamespaceProjection.annotations(namespace);
    } catch (IllegalArgumentException e) {
      log.warn("ignoring a namespace the API server sent: {}", e.getMessage());
      return NamespacePolicy.unannotated("");
    }
    synchronized (namespaceAnnotations) {
      NamespacePolicy current = policies.get(annotations.namespace());
      if (current != null
          && (onlyIfAbsent
              || annotations.equals(namespaceAnnotations.get(annotations.namespace())))) {
        return current;
      }
      NamespacePolicy policy = annotations.compile(settings.roleBaseArn());
      if (!policy.problems().isEmpty()) {
        log.warn(
            "namespace {} permits nothing through its broken annotations: {}",
            annotations.namespace(),
            String.join("; ", policy.problems()));
      }
      namespaceAnnotations.put(annotations.namespace(), annotations);
      policies.put(annotations.namespace(), policy);
      return policy;
    }
  }

  private void namespaceDeleted(Namespace namespace) {
    String name = namespace.getMetadata() == null ? null : namespace.getMetadata().getName();
    if (name != null) {
      synchronized (namespaceAnnotations) {
        namespaceAnnotations.remove(name);
        policies.remove(name);
      }
    }
  }

  // --- helpers --------------------------------------------------------------------------------

  /** The account's identity and its annotations under the prefixes kept. */
  ServiceAccountView project(ServiceAccount account) {
    ObjectMeta metadata = account.getMetadata();
    Map<String, String> kept = new LinkedHashMap<>();
    Map<String, String> annotations = metadata.getAnnotations();
    if (annotations != null) {
      annotations.forEach(
          (key, value) -> {
            int slash = key.indexOf('/');
            if (slash > 0 && settings.annotationPrefixes().contains(key.substring(0, slash))) {
              kept.put(key, value);
            }
          });
    }
    return new ServiceAccountView(
        namespaceOf(metadata), metadata.getName(), metadata.getUid(), kept);
  }

  private static String namespaceOf(ObjectMeta metadata) {
    String namespace = metadata.getNamespace();
    return namespace == null || namespace.isBlank() ? PodProjection.DEFAULT_NAMESPACE : namespace;
  }

  private static String describe(Throwable failure) {
    if (failure instanceof KubernetesClientException e && e.getCode() > 0) {
      return "HTTP " + e.getCode() + (e.getCode() == 403 ? " (forbidden: check the RBAC)" : "");
    }
    return failure.getClass().getSimpleName()
        + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
  }

  private <T extends HasMetadata> SharedIndexInformer<T> informer(
      SharedIndexInformer<T> informer,
      Supplier<T> factory,
      Consumer<T> changed,
      Consumer<T> deleted) {
    informer.removeNamespaceIndex();
    // The handlers keep what they need; the store keeps only what the informer itself needs.
    informer.itemStore(new MetadataOnlyStore<>(factory));
    CompletableFuture<Void> firstList = new CompletableFuture<>();
    listed.put(informer, firstList);
    informer.addEventHandler(
        new ResourceEventHandler<T>() {
          @Override
          public void onList(String resourceVersion, boolean remainedEmpty) {
            firstList.complete(null);
          }

          @Override
          public void onAdd(T object) {
            changed.accept(object);
          }

          @Override
          public void onUpdate(T before, T after) {
            changed.accept(after);
          }

          @Override
          public void onDelete(T object, boolean deletedFinalStateUnknown) {
            deleted.accept(object);
          }
        });
    return informer;
  }
}
