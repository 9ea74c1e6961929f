package io.podium.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.podium.core.PodCredentialService;
import io.podium.core.PodProblems;
import io.podium.core.Prefetcher;
import io.podium.core.RoleDecider;
import io.podium.core.broker.BrokerObserver;
import io.podium.core.broker.BrokerSettings;
import io.podium.core.broker.CredentialBroker;
import io.podium.core.broker.CredentialIssuer;
import io.podium.core.broker.ExecutorScheduler;
import io.podium.core.role.RoleBaseArn;
import io.podium.core.role.RolePolicy;
import io.podium.core.role.RoleResolver;
import io.podium.core.session.SessionDurations;
import io.podium.core.session.SessionRequestFactory;
import io.podium.testing.FakeIssuer;
import io.podium.testing.KubernetesApiMock;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Podium's standalone core on a mock API server: the informer directory for {@code node-1}, a
 * prefetcher, a broker on an in-memory issuer, and the service the metadata API asks. Real threads
 * and the real clock, as in production.
 */
final class ClusterFixture implements AutoCloseable {

  static final String NODE = "node-1";
  static final String ACCOUNT_ROLES = "arn:aws:iam::123456789012:role/";
  static final Optional<RoleBaseArn> BASE = Optional.of(RoleBaseArn.parse(ACCOUNT_ROLES));

  final KubernetesApiMock api = KubernetesApiMock.start();

  /** The test's own client, to change the cluster. */
  final NamespacedKubernetesClient cluster = api.client();

  final PrometheusRegistry registry = new PrometheusRegistry();
  final Clock clock = Clock.systemUTC();
  final FakeIssuer issuer = new FakeIssuer(clock);
  final RoleDecider decider =
      new RoleDecider(
          new RoleResolver(BASE, Optional.empty()),
          new RolePolicy(true),
          SessionRequestFactory.withDefaults());
  private final KubernetesClient podiumClient = api.client();
  private final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().factory());
  private final ExecutorService stsCalls = Executors.newVirtualThreadPerTaskExecutor();
  final ExecutorScheduler scheduler = new ExecutorScheduler(timers);
  final CredentialBroker<String> broker;
  final InformerPodDirectory directory;
  final PodCredentialService<String> service;

  ClusterFixture(Duration podWait) {
    this(podWait, BrokerSettings.defaults(SessionDurations.defaults()), null);
  }

  /**
   * @param issuerOverride issues credentials instead of {@link #issuer} when not null
   */
  ClusterFixture(Duration podWait, BrokerSettings settings, CredentialIssuer issuerOverride) {
    broker =
        new CredentialBroker<>(
            issuerOverride == null ? issuer : issuerOverride,
            (request, issued, at) -> issued.credentials().accessKeyId(),
            settings,
            clock,
            scheduler,
            stsCalls,
            BrokerObserver.NONE,
            new SplittableRandom(1));
    directory =
        new InformerPodDirectory(
            podiumClient,
            new InformerPodDirectory.Settings(NODE, BASE, podWait, Duration.ofSeconds(30)),
            clock,
            scheduler,
            registry);
    service =
        new PodCredentialService<>(directory, decider, broker, scheduler, Duration.ofSeconds(5));
  }

  /** Syncs the informers, then prefetches for every pod that appears. */
  ClusterFixture start() {
    return start(PodProblems.NONE);
  }

  ClusterFixture start(PodProblems problems) {
    directory.start();
    directory.addListener(
        new Prefetcher(broker, decider, directory::namespacePolicy, clock, problems));
    return this;
  }

  <T extends HasMetadata> T create(T object) {
    return cluster.resource(object).create();
  }

  /**
   * Marks a pod terminating with its grace period ending at {@code until}. The mock deletes an
   * object marked for deletion at once unless a finalizer holds it, so one does, in place of the
   * kubelet that holds a real pod until its containers stop.
   */
  void terminate(String namespace, String name, java.time.Instant until) {
    // A JSON patch of our own: the client's edit() leaves server-set fields such as this one out.
    cluster
        .pods()
        .inNamespace(namespace)
        .withName(name)
        .patch(
            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON),
            """
            [{"op": "add", "path": "/metadata/finalizers", "value": ["podium.test/kubelet"]},
             {"op": "add", "path": "/metadata/deletionTimestamp", "value": "%s"}]
            """
                .formatted(until.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
  }

  /**
   * Reports every container of a pod stopped, as the kubelet does once a terminating pod's
   * containers have exited (its sandbox, and its IP, are then being torn down); {@code
   * status.phase} stays as it was.
   */
  void stopContainers(String namespace, String name) {
    cluster
        .pods()
        .inNamespace(namespace)
        .withName(name)
        .patch(
            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON),
            """
            [{"op": "add", "path": "/status/containerStatuses", "value": [
              {"name": "main", "image": "busybox", "imageID": "", "ready": false,
               "restartCount": 0, "state": {"terminated": {"exitCode": 0}}}]}]
            """);
  }

  /** Lets a pod {@link #terminate}d go: without its finalizer, the mock deletes it. */
  void release(String namespace, String name) {
    cluster
        .pods()
        .inNamespace(namespace)
        .withName(name)
        .patch(
            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON),
            "[{\"op\": \"remove\", \"path\": \"/metadata/finalizers\"}]");
  }

  static String arn(String role) {
    return ACCOUNT_ROLES + role;
  }

  @Override
  public void close() {
    directory.close();
    podiumClient.close();
    cluster.close();
    stsCalls.shutdownNow();
    timers.shutdownNow();
    api.close();
  }
}
