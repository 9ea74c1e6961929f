package io.podium.bench;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.podium.agent.AgentViewFeed;
import io.podium.core.PodProblems;
import io.podium.core.Prefetcher;
import io.podium.core.RoleDecider;
import io.podium.core.RoleOutcome;
import io.podium.core.broker.BrokerObserver;
import io.podium.core.broker.BrokerSettings;
import io.podium.core.broker.CredentialBroker;
import io.podium.core.broker.CredentialIssuer;
import io.podium.core.broker.Credentials;
import io.podium.core.broker.IssuedCredentials;
import io.podium.core.pod.PodChangeListener;
import io.podium.core.pod.PodIdentity;
import io.podium.core.role.RoleBaseArn;
import io.podium.core.role.RolePolicy;
import io.podium.core.role.RoleResolver;
import io.podium.core.session.SessionDurations;
import io.podium.core.session.SessionNameTemplate;
import io.podium.core.session.SessionRequest;
import io.podium.core.session.SessionRequestFactory;
import io.podium.imds.ImdsRenderer;
import io.podium.kubernetes.InformerFeed;
import io.podium.kubernetes.InformerPodDirectory;
import io.podium.server.AgentIdentities;
import io.podium.server.NodeCredentialsService;
import io.podium.server.NodeHub;
import io.podium.server.NodeReports;
import io.podium.server.OwnedPrefetch;
import io.podium.server.PublishingRenderer;
import io.podium.server.SessionOwnership;
import io.podium.testing.FakeIssuer;
import io.podium.testing.ManualScheduler;
import io.podium.testing.MutableClock;
import io.podium.testing.PagingApiServer;
import io.podium.wire.WireCodec;
import io.podium.wire.v1.NodeCredentialsGrpc;
import io.podium.wire.v1.SessionCredentials;
import io.podium.wire.v1.WatchEvent;
import io.podium.wire.v1.WatchRequest;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;
import tools.jackson.databind.json.JsonMapper;

/**
 * The scale model (bench/scale.sh): a cluster of {@code --pods} realistic pod manifests over {@code
 * --nodes} nodes in one JVM, as one {@code podium server} replica holds it, and {@code --streams}
 * agents watching it over an in-process gRPC transport. Prints one JSON object.
 *
 * <ul>
 *   <li><b>Informer path</b>: the {@code --pods} manifests served by a stand-in API server that
 *       lists in pages ({@link PagingApiServer}), listed over HTTP by the real {@link
 *       InformerPodDirectory} (fabric8 informers, metadata-only store, compact projection) in pages
 *       of {@code --page-size}, then {@code --watch-pods} more delivered over its pod watch: pods
 *       per second, and the directory's live heap per tracked pod (compared, unless {@code
 *       --compare-feed false}, with the same manifests fed to the store and view alone).
 *   <li><b>The cluster</b>: {@code --pods} manifests listed again from the stand-in by a fresh
 *       {@link InformerPodDirectory}, then the server's listeners added as {@code ServerProcess}
 *       adds them ({@link NodeHub}, {@link OwnedPrefetch} → {@link Prefetcher} → {@link
 *       CredentialBroker} → {@link PublishingRenderer}): events per second, live heap per tracked
 *       pod, and the classes that hold it.
 *   <li><b>Streams</b>: {@code --streams} agents of distinct nodes call Watch on the real {@link
 *       NodeCredentialsService}; each feeds a real agent {@code NodeView}. The time for one
 *       credentials refresh to reach every subscribed agent, for a session on every node (a
 *       DaemonSet's) and for one on ten nodes (a Deployment's).
 *   <li><b>An agent's memory</b>: the live heap of a node's {@code NodeView} after replaying, from
 *       their encoded bytes, the events its stream delivered (the in-process transport passes
 *       messages by reference, a real agent decodes its own copies).
 * </ul>
 *
 * Live heap is measured with the JVM's class histogram (a full GC, then the bytes of every live
 * object): differences between two histograms are what the state between them holds.
 */
public final class ScaleModel {

  private static final Optional<RoleBaseArn> BASE =
      Optional.of(RoleBaseArn.parse("arn:aws:iam::123456789012:role/"));
  private static final int NAMESPACES = 50;
  private static final int PODS_PER_DEPLOYMENT = 10;
  private static final String TEMPLATE = "{namespace}@{serviceaccount}";
  private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

  private static final java.lang.management.ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  private ScaleModel() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    if (args.length % 2 != 0) {
      throw new IllegalArgumentException("every option needs a value: " + String.join(" ", args));
    }
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --option value pairs, got " + args[i]);
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    Set<String> known =
        Set.of(
            "pods", "nodes", "streams", "watch-pods", "page-size", "compare-feed", "compare-pods");
    for (String option : options.keySet()) {
      if (!known.contains(option)) {
        throw new IllegalArgumentException(
            "unknown option --" + option + "; known: --" + String.join(", --", known));
      }
    }
    int pods = Integer.parseInt(options.getOrDefault("pods", "100000"));
    int nodes = Integer.parseInt(options.getOrDefault("nodes", "10000"));
    int streams = Integer.parseInt(options.getOrDefault("streams", "" + nodes));
    int watchPods = Integer.parseInt(options.getOrDefault("watch-pods", "10000"));
    long pageSize =
        Long.parseLong(
            options.getOrDefault(
                "page-size", "" + InformerPodDirectory.Settings.DEFAULT_LIST_PAGE_SIZE));
    boolean compareFeed = Boolean.parseBoolean(options.getOrDefault("compare-feed", "true"));
    int comparePods = Integer.parseInt(options.getOrDefault("compare-pods", "1000"));
    if (pods % nodes != 0 || pods / nodes < 2 || streams > nodes) {
      throw new IllegalArgumentException(
          "--pods must be a multiple of --nodes (at least 2 per node), --streams at most --nodes");
    }

    Map<String, Object> result = new LinkedHashMap<>();
    result.put(
        "parameters",
        Map.of(
            "pods", pods,
            "nodes", nodes,
            "streams", streams,
            "watch_pods", watchPods,
            "list_page_size", pageSize,
            "session_name_template", TEMPLATE,
            "max_heap_mib", Runtime.getRuntime().maxMemory() >> 20));
    result.put("informer_path", informerPath(pods, watchPods, nodes, pageSize, compareFeed));
    if (comparePods > 0 && comparePods < pods) {
      int compareNodes = comparePods / (pods / nodes);
      result.put(
          "small_cluster",
          new Cluster(comparePods, compareNodes, Math.min(streams, compareNodes)).run(false));
    }
    Map<String, Object> cluster = new Cluster(pods, nodes, streams).run(true);
    result.put("cluster", cluster);
    if (result.get("small_cluster") instanceof Map<?, ?> small) {
      // What each further pod costs: the growth of the server's state from the small cluster to
      // the large one (same pods per node and per session), free of the state that does not grow
      // with the pods (the informers' own machinery).
      long grown =
          (Long) cluster.get("server_state_bytes") - (Long) small.get("server_state_bytes");
      result.put("server_bytes_per_added_pod", grown / (pods - (Integer) small.get("pods")));
    }
    System.out.println(JsonMapper.builder().build().writeValueAsString(result));
  }

  // --- the informer path through a paging API server -----------------------------------------

  /**
   * The whole cluster through the real {@link InformerPodDirectory}: {@code listed} pods listed
   * from {@link PagingApiServer} in pages of {@code pageSize}, then {@code watched} more delivered
   * over the pod watch; events per second, and the directory's live heap per tracked pod.
   */
  private static Map<String, Object> informerPath(
      int listed, int watched, int nodes, long pageSize, boolean compareFeed) throws Exception {
    Map<String, Object> out = new LinkedHashMap<>();
    Manifests manifests = new Manifests(listed + watched, nodes);
    int tracked;
    try (PagingApiServer api =
            PagingApiServer.start(
                new PagingApiServer.Contents(
                    manifests.namespaces(), manifests.serviceAccounts(), manifests::pod, listed));
        NamespacedKubernetesClient client = api.client()) {
      ManualScheduler scheduler = new ManualScheduler(new MutableClock(START));
      AtomicReference<CountDownLatch> arrived = new AtomicReference<>(new CountDownLatch(listed));
      AtomicInteger heard = new AtomicInteger();
      InformerPodDirectory directory =
          new InformerPodDirectory(
              client,
              new InformerPodDirectory.Settings(
                  null, BASE, Duration.ofMillis(500), Duration.ofMinutes(10), pageSize),
              java.time.Clock.systemUTC(),
              scheduler,
              new PrometheusRegistry());
      directory.addListener(
          new PodChangeListener() {
            @Override
            public void podUpserted(PodIdentity pod) {
              heard.incrementAndGet();
              arrived.get().countDown();
            }

            @Override
            public void podRemoved(PodIdentity pod) {}
          });
      long listStart = System.nanoTime();
      long listCpu = processCpuNanos();
      directory.start();
      long listEnd = System.nanoTime();
      double listSeconds = seconds(listEnd - listStart);
      double podListSeconds = seconds(listEnd - api.firstPodListNanos());
      double listCpuSeconds = seconds(processCpuNanos() - listCpu);
      int afterList = heard.get();
      if (afterList != listed) {
        throw new IllegalStateException(
            "the list brought " + afterList + " of " + listed + " pods");
      }

      arrived.set(new CountDownLatch(watched));
      long watchStart = System.nanoTime();
      long watchCpu = processCpuNanos();
      CompletableFuture<Void> sent = api.addPods(watched);
      if (!arrived.get().await(10, TimeUnit.MINUTES)) {
        throw new IllegalStateException("the watch did not deliver every added pod");
      }
      double watchSeconds = seconds(System.nanoTime() - watchStart);
      double watchCpuSeconds = seconds(processCpuNanos() - watchCpu);
      sent.get(1, TimeUnit.MINUTES);
      tracked = directory.pods().size();
      if (tracked != listed + watched) {
        throw new IllegalStateException("tracked " + tracked + " of " + (listed + watched));
      }

      out.put("listed_pods", afterList);
      out.put("list_page_size", pageSize);
      out.put("list_pages", api.podListPages());
      out.put("list_json_bytes_per_pod", api.listPageBytes() / listed);
      out.put("list_seconds", round3(listSeconds));
      out.put("list_seconds_pods", round3(podListSeconds));
      out.put("list_pods_per_second", round(listed / podListSeconds));
      out.put("list_process_cpu_seconds", round3(listCpuSeconds));
      // The JVM's CPU time less the stand-in's building and serialising of pages: the informers,
      // the HTTP client and server, the store and view, and the GC and JIT threads.
      double listClientCpu = listCpuSeconds - seconds(api.listPageCpuNanos());
      out.put("list_cpu_seconds_without_api_server_serialising", round3(listClientCpu));
      out.put(
          "list_pods_per_cpu_second_without_api_server_serialising", round(listed / listClientCpu));
      double serverSeconds = seconds(api.listPageWaitNanos());
      out.put("list_seconds_api_server_serialising", round3(seconds(api.listPageNanos())));
      out.put("list_seconds_waiting_for_api_server", round3(serverSeconds));
      out.put(
          "list_pods_per_second_without_api_server_wait",
          round(listed / (podListSeconds - serverSeconds)));
      out.put("watched_pods", watched);
      out.put("watch_seconds", round3(watchSeconds));
      out.put("watch_pods_per_second", round(watched / watchSeconds));
      out.put("watch_process_cpu_seconds", round3(watchCpuSeconds));
      double watchClientCpu = watchCpuSeconds - seconds(api.watchEventCpuNanos());
      out.put(
          "watch_pods_per_cpu_second_without_api_server_serialising",
          round(watched / watchClientCpu));
      out.put("watch_seconds_api_server_serialising", round3(seconds(api.watchEventNanos())));
      out.put("tracked_pods", tracked);

      // The directory's own state: live heap with it, minus live heap once it is closed and gone.
      // fabric8 stops informers asynchronously (the store stays reachable until the watch's
      // WebSocket has finished closing, after even SharedInformer.stopped() completes), so the
      // heap is measured until it stops shrinking (by less than a byte per pod).
      Histogram with = Histogram.take();
      directory.close();
      directory = null;
      AtomicReference<Histogram> settled = new AtomicReference<>(Histogram.take());
      int pods = tracked;
      await()
          .pollInterval(Duration.ofMillis(200))
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                Histogram later = Histogram.take();
                boolean shrank = later.total() < settled.get().total() - pods;
                settled.set(later);
                return !shrank;
              });
      Histogram without = settled.get();
      Histogram held = with.minus(without);
      out.put("directory_bytes_per_pod", held.total() / tracked);
      // G1's filler arrays cover unused parts of retained regions: the histogram counts them as
      // live, but they are the heap's slack, not the directory's state.
      long[] fillers = held.classes().getOrDefault("[Ljdk.internal.vm.FillerElement;", new long[2]);
      out.put("directory_bytes_per_pod_of_which_heap_fillers", fillers[1] / tracked);
      out.put("directory_top_classes_per_pod", held.top(12, tracked));
    }
    if (compareFeed) {
      // The same manifests through the store and view alone (what the cluster below measures).
      MutableClock feedClock = new MutableClock(START);
      InformerFeed feed = new InformerFeed(BASE, feedClock, new ManualScheduler(feedClock));
      manifests.namespaces().forEach(feed::namespace);
      manifests.serviceAccounts().forEach(feed::serviceAccount);
      long before = Histogram.take().total();
      long feeding = 0;
      long feedingCpu = 0;
      int batch = 2_000;
      for (int from = 0; from < listed + watched; from += batch) {
        // Manifests are built outside the timed part.
        List<Pod> manifestBatch = new ArrayList<>(batch);
        for (int i = from; i < Math.min(listed + watched, from + batch); i++) {
          manifestBatch.add(manifests.pod(i));
        }
        long t = System.nanoTime();
        long cpu = CPU.getCurrentThreadCpuTime();
        for (Pod pod : manifestBatch) {
          feed.pod(pod);
        }
        feeding += System.nanoTime() - t;
        feedingCpu += CPU.getCurrentThreadCpuTime() - cpu;
      }
      long after = Histogram.take().total();
      // Store and view alone, without HTTP and JSON: per second, and per CPU second of the
      // feeding thread (which other tenants of a shared machine disturb far less).
      out.put("store_and_view_events_per_second", round((listed + watched) / seconds(feeding)));
      out.put(
          "store_and_view_events_per_cpu_second", round((listed + watched) / seconds(feedingCpu)));
      out.put(
          "same_pods_fed_to_store_and_view_bytes_per_pod", (after - before) / feed.storedPods());
    }
    return out;
  }

  /** CPU time of the whole JVM: the informers, the HTTP client and the API server's threads. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  // --- the cluster ---------------------------------------------------------------------------

  /** One server's state for a cluster, its agents' streams, and the measurements. */
  private static final class Cluster {
    final int pods;
    final int nodes;
    final int streamCount;
    final Manifests manifests;
    final MutableClock clock = new MutableClock(START);
    final ManualScheduler scheduler = new ManualScheduler(clock);
    final SessionDurations durations = SessionDurations.defaults();
    final SizedIssuer issuer = new SizedIssuer(clock);
    final RoleDecider decider =
        new RoleDecider(
            new RoleResolver(BASE, Optional.empty()),
            new RolePolicy(true),
            new SessionRequestFactory(
                SessionNameTemplate.parse(TEMPLATE),
                durations,
                Set.of(),
                Optional.empty(),
                Optional.empty()));
    final PublishingRenderer renderer = new PublishingRenderer();
    final ImdsRenderer agentRenderer = new ImdsRenderer(JsonMapper.builder().build());
    PagingApiServer api;
    NamespacedKubernetesClient client;
    InformerPodDirectory directory;
    NodeHub hub;
    CredentialBroker<SessionCredentials> broker;
    final List<AgentViewFeed> agents = new ArrayList<>();
    // Per agent: its node, and the encoded events its stream delivered (for sample agents).
    final List<String> agentNodes = new ArrayList<>();
    final Map<Integer, List<byte[]>> recorded = new HashMap<>();
    volatile Fanout fanout;

    Cluster(int pods, int nodes, int streamCount) {
      this.pods = pods;
      this.nodes = nodes;
      this.streamCount = streamCount;
      this.manifests = new Manifests(pods, nodes);
    }

    Map<String, Object> run(boolean detail) throws Exception {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("pods", pods);
      out.put("nodes", nodes);
      out.put("streams", streamCount);

      // The server's parts, wired as ServerProcess wires them (one replica owning every session),
      // over the real informers listing the cluster from the stand-in API server.
      api =
          PagingApiServer.start(
              new PagingApiServer.Contents(
                  manifests.namespaces(), manifests.serviceAccounts(), manifests::pod, pods));
      client = api.client();
      broker =
          new CredentialBroker<>(
              issuer,
              renderer,
              BrokerSettings.defaults(durations),
              clock,
              scheduler,
              Runnable::run,
              BrokerObserver.NONE,
              new SplittableRandom(1));
      // The client's one-time state — its JSON (de)serialisers for the three kinds, its
      // connection — is built by one small list of each kind before the baseline: it does not grow
      // with the pods, and is reported on its own.
      Histogram cold = Histogram.take();
      ListOptions one = new ListOptionsBuilder().withLimit(1L).build();
      client.pods().inAnyNamespace().list(one);
      client.namespaces().list(one);
      client.serviceAccounts().inAnyNamespace().list(one);
      Histogram empty = Histogram.take();
      out.put("client_one_time_bytes", empty.total() - cold.total());

      directory =
          new InformerPodDirectory(
              client,
              new InformerPodDirectory.Settings(
                  null,
                  BASE,
                  Duration.ofMillis(500),
                  Duration.ofMinutes(10),
                  InformerPodDirectory.Settings.DEFAULT_LIST_PAGE_SIZE),
              clock,
              scheduler,
              new PrometheusRegistry());
      long listStart = System.nanoTime();
      long listCpuStart = processCpuNanos();
      long serialisingBefore = api.listPageCpuNanos();
      directory.start();
      long listNanos = System.nanoTime() - listStart;
      long listCpu =
          processCpuNanos() - listCpuStart - (api.listPageCpuNanos() - serialisingBefore);
      int tracked = directory.pods().size();
      if (tracked != pods) {
        throw new IllegalStateException("tracked " + tracked + " of " + pods + " pods");
      }
      Histogram directoryHeap = Histogram.take();

      // The listeners, added after the sync as ServerProcess adds them: each first hears every
      // pod. The hub, then prefetching of the sessions this replica owns (all: one replica).
      hub = new NodeHub(decider, directory::namespacePolicy, clock);
      renderer.publishTo(hub::credentialsIssued);
      long t = System.nanoTime();
      long cpu = CPU.getCurrentThreadCpuTime();
      directory.addListener(hub);
      long hubNanos = System.nanoTime() - t;
      long hubCpu = CPU.getCurrentThreadCpuTime() - cpu;
      Histogram withHub = Histogram.take();
      t = System.nanoTime();
      cpu = CPU.getCurrentThreadCpuTime();
      directory.addListener(
          new OwnedPrefetch(
              new Prefetcher(broker, decider, directory::namespacePolicy, clock),
              decider,
              directory::namespacePolicy,
              SessionOwnership.ALL,
              directory::retell));
      long prefetchNanos = System.nanoTime() - t;
      long prefetchCpu = CPU.getCurrentThreadCpuTime() - cpu;
      // The broker's STS rate limit (100 calls/s by default) queues the first fetches: let the
      // fake clock run until every session has been fetched.
      Instant fed = clock.instant();
      for (int step = 0; broker.queuedCalls() > 0 || broker.pendingPrefetches() > 0; step++) {
        if (step > 100_000) {
          throw new IllegalStateException("the broker never finished its first fetches");
        }
        scheduler.advance(Duration.ofSeconds(1));
      }
      Histogram full = Histogram.take();
      // The list per wall-clock second (the stand-in's page building included), and per CPU
      // second of the process less the stand-in's serialising; each listener's replay per
      // wall-clock second and per CPU second of the thread adding it.
      out.put("events_per_second_informer_list", round(pods / seconds(listNanos)));
      out.put("events_per_cpu_second_informer_list", round(pods / seconds(listCpu)));
      out.put("events_per_second_hub_replay", round(pods / seconds(hubNanos)));
      out.put("events_per_cpu_second_hub_replay", round(pods / seconds(hubCpu)));
      out.put("events_per_second_prefetch_replay", round(pods / seconds(prefetchNanos)));
      out.put("events_per_cpu_second_prefetch_replay", round(pods / seconds(prefetchCpu)));
      out.put("sessions", broker.sessionCount());
      out.put("sts_calls", issuer.calls.get());
      out.put(
          "first_fetches_simulated_seconds", Duration.between(fed, clock.instant()).toSeconds());
      long stateBytes = full.total() - empty.total();
      out.put("server_state_bytes", stateBytes);
      out.put("server_bytes_per_pod", stateBytes / pods);
      out.put("directory_bytes_per_pod", (directoryHeap.total() - empty.total()) / pods);
      out.put("hub_bytes_per_pod", (withHub.total() - directoryHeap.total()) / pods);
      out.put("prefetch_and_broker_bytes_per_pod", (full.total() - withHub.total()) / pods);
      out.put(
          "prefetch_and_broker_bytes_per_session",
          (full.total() - withHub.total()) / broker.sessionCount());
      if (detail) {
        out.put("directory_top_classes_per_pod", directoryHeap.minus(empty).top(12, pods));
        out.put("hub_top_classes_per_pod", withHub.minus(directoryHeap).top(12, pods));
        out.put("prefetch_and_broker_top_classes_per_pod", full.minus(withHub).top(12, pods));
      }

      // The agents' streams.
      String name = InProcessServerBuilder.generateName();
      NodeCredentialsService service =
          new NodeCredentialsService(
              hub,
              directory,
              broker,
              scheduler,
              Duration.ofMillis(900),
              durations.minRemaining(),
              () -> true,
              "replica-1",
              "scale",
              NodeCredentialsService.DEFAULT_MAX_UNSENT_BYTES,
              PodProblems.NONE,
              NodeReports.none());
      Server server =
          InProcessServerBuilder.forName(name)
              .directExecutor()
              .addService(ServerInterceptors.intercept(service, AgentIdentities.fromHeader()))
              .build()
              .start();
      ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
      int samples = Math.min(streamCount, 100);
      CountDownLatch synced = new CountDownLatch(streamCount);
      long connecting = System.nanoTime();
      for (int n = 0; n < streamCount; n++) {
        String node = Manifests.node(n);
        int agentIndex = n;
        List<byte[]> events = n < samples ? new ArrayList<>() : null;
        if (events != null) {
          recorded.put(n, events);
        }
        AgentViewFeed agent =
            new AgentViewFeed(
                clock,
                agentRenderer,
                durations.minRemaining(),
                event -> {
                  if (events != null) {
                    events.add(event.toByteArray());
                  }
                  if (event.hasSynced()) {
                    synced.countDown();
                  }
                  Fanout current = fanout;
                  if (current != null) {
                    current.heard(agentIndex, event);
                  }
                });
        agents.add(agent);
        agentNodes.add(node);
        Metadata headers = new Metadata();
        headers.put(AgentIdentities.NODE_HEADER, node);
        NodeCredentialsGrpc.newStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
            .watch(WatchRequest.newBuilder().setNode(node).build(), agent);
      }
      if (!synced.await(10, TimeUnit.MINUTES)) {
        throw new IllegalStateException("not every agent's snapshot arrived");
      }
      double connectSeconds = seconds(System.nanoTime() - connecting);
      int podsPerNode = pods / nodes;
      for (AgentViewFeed agent : agents) {
        if (agent.podCount() != podsPerNode || agent.credentialCount() != podsPerNode) {
          throw new IllegalStateException(
              "an agent holds "
                  + agent.podCount()
                  + " pods and "
                  + agent.credentialCount()
                  + " credentials, expected "
                  + podsPerNode);
        }
      }
      out.put("stream_snapshots_seconds", round3(connectSeconds));
      out.put("hub_stream_count", hub.streamCount());
      Histogram withStreams = Histogram.take();
      out.put(
          "bytes_per_stream_with_its_in_process_agent",
          (withStreams.total() - full.total()) / streamCount);

      // One refresh fanned out: a DaemonSet's session (a pod on every node) and a Deployment's.
      out.put("fanout_daemonset_session", fanout(manifests.daemonSetPod(), 7));
      out.put("fanout_deployment_session", fanout(manifests.pod(nodes), 7));

      // An agent's memory: fresh views fed with decoded copies of what sample agents received.
      AgentViewFeed sample = agents.getFirst();
      Map<String, Object> agent = new LinkedHashMap<>();
      agent.put("pods_in_view", sample.podCount());
      agent.put("credentials_in_view", sample.credentialCount());
      agent.put("events_received_snapshot_and_fanouts", sample.events());
      agent.put("bytes_received_snapshot_and_fanouts", sample.bytes());
      Histogram beforeReplay = Histogram.take();
      List<AgentViewFeed> replayed = new ArrayList<>();
      for (List<byte[]> events : recorded.values()) {
        AgentViewFeed copy =
            new AgentViewFeed(clock, agentRenderer, durations.minRemaining(), e -> {});
        for (byte[] bytes : events) {
          copy.onNext(WatchEvent.parseFrom(bytes));
        }
        replayed.add(copy);
      }
      Histogram afterReplay = Histogram.take();
      agent.put("agents_measured", replayed.size());
      agent.put(
          "node_view_bytes_per_agent",
          (afterReplay.total() - beforeReplay.total()) / replayed.size());
      if (detail) {
        agent.put(
            "node_view_top_classes_per_agent",
            afterReplay.minus(beforeReplay).top(10, replayed.size()));
      }
      out.put("agent", agent);
      replayed.clear();

      channel.shutdownNow();
      server.shutdownNow();
      directory.close();
      client.close();
      api.close();
      return out;
    }

    /**
     * Times one credentials refresh of {@code pod}'s session from the broker's renderer (where the
     * server hears of every refresh) until every agent whose node has a pod of that session holds
     * the new credentials; the median and range of {@code rounds}.
     */
    Map<String, Object> fanout(Pod pod, int rounds) throws Exception {
      String uid = pod.getMetadata().getUid();
      PodIdentity identity =
          directory.pods().stream().filter(p -> p.uid().equals(uid)).findFirst().orElseThrow();
      SessionRequest session =
          ((RoleOutcome.Permitted)
                  decider.decide(identity, directory.namespacePolicy(identity.namespace())))
              .request();
      String key = WireCodec.sessionKey(session);
      Set<String> using = manifests.nodesWith(identity);
      List<Integer> subscribed = new ArrayList<>();
      for (int a = 0; a < agents.size(); a++) {
        if (using.contains(agentNodes.get(a))) {
          subscribed.add(a);
        }
      }
      long[] nanos = new long[rounds];
      long[] serverNanos = new long[rounds];
      for (int r = 0; r < rounds; r++) {
        clock.advance(Duration.ofSeconds(1));
        IssuedCredentials issued = issuer.issue(session);
        Fanout round =
            new Fanout(key, issued.credentials().expiration().getEpochSecond(), subscribed);
        fanout = round;
        long agentWork = agentNanos();
        long t = System.nanoTime();
        renderer.render(session, issued, clock.instant());
        if (!round.done.await(1, TimeUnit.MINUTES)) {
          throw new IllegalStateException("a refresh did not reach every subscribed agent");
        }
        nanos[r] = System.nanoTime() - t;
        // The in-process agents apply the event on the sending thread; in a cluster each agent
        // does that on its own node, so their work is taken out of the server's share.
        serverNanos[r] = nanos[r] - (agentNanos() - agentWork);
        fanout = null;
        if (round.unexpected.get() > 0) {
          throw new IllegalStateException(
              round.unexpected.get() + " agents got another node's credentials");
        }
      }
      Arrays.sort(nanos);
      Arrays.sort(serverNanos);
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("agents_subscribed", subscribed.size());
      out.put("median_ms", round3(nanos[rounds / 2] / 1e6));
      out.put("min_ms", round3(nanos[0] / 1e6));
      out.put("max_ms", round3(nanos[rounds - 1] / 1e6));
      out.put("server_and_transport_median_ms", round3(serverNanos[rounds / 2] / 1e6));
      out.put("server_and_transport_min_ms", round3(serverNanos[0] / 1e6));
      out.put("server_and_transport_max_ms", round3(serverNanos[rounds - 1] / 1e6));
      out.put("rounds", rounds);
      return out;
    }

    long agentNanos() {
      long sum = 0;
      for (AgentViewFeed agent : agents) {
        sum += agent.applyingNanos();
      }
      return sum;
    }

    /** One refresh on its way to the agents that must get it. */
    private static final class Fanout {
      final String key;
      final long expiration;
      final Set<Integer> expected;
      final CountDownLatch done;
      final AtomicInteger unexpected = new AtomicInteger();

      Fanout(String key, long expiration, List<Integer> expected) {
        this.key = key;
        this.expiration = expiration;
        this.expected = Set.copyOf(expected);
        this.done = new CountDownLatch(expected.size());
      }

      void heard(int agent, WatchEvent event) {
        if (event.hasCredentials()
            && event.getCredentials().getSessionKey().equals(key)
            && event.getCredentials().getExpirationUnixSeconds() == expiration) {
          if (expected.contains(agent)) {
            done.countDown();
          } else {
            unexpected.incrementAndGet();
          }
        }
      }
    }
  }

  // --- manifests -----------------------------------------------------------------------------

  /**
   * The cluster's objects: pod {@code i} for {@code i < nodes} is a DaemonSet's pod on node i; the
   * others belong to Deployments of ten replicas, spread so that every node gets the same number of
   * pods. Pods carry what real ones do — labels, owner references, two containers with environment,
   * probes, resources and mounts, volumes, tolerations, status with conditions and container
   * statuses — and a role annotation; namespaces permit their roles by a kiam regex.
   */
  private static final class Manifests {
    final int pods;
    final int nodes;

    Manifests(int pods, int nodes) {
      this.pods = pods;
      this.nodes = nodes;
    }

    static String node(int n) {
      return "ip-10-" + (n >> 8 & 255) + "-" + (n & 255) + "-17.ec2.internal";
    }

    static String namespace(int n) {
      return String.format("team-%02d", n % NAMESPACES);
    }

    List<Namespace> namespaces() {
      List<Namespace> all = new ArrayList<>();
      for (int n = 0; n < NAMESPACES; n++) {
        all.add(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(namespace(n))
                .addToLabels("kubernetes.io/metadata.name", namespace(n))
                .addToAnnotations("iam.amazonaws.com/permitted", namespace(n) + "-.*")
                .endMetadata()
                .build());
      }
      return all;
    }

    List<ServiceAccount> serviceAccounts() {
      List<ServiceAccount> all = new ArrayList<>();
      all.add(account(namespace(0), "log-shipper"));
      for (int d = 0; d < deployments(); d++) {
        all.add(account(namespace(d), "app-" + d));
      }
      return all;
    }

    int deployments() {
      return Math.max(1, (pods - nodes + PODS_PER_DEPLOYMENT - 1) / PODS_PER_DEPLOYMENT);
    }

    static ServiceAccount account(String namespace, String name) {
      return new ServiceAccountBuilder()
          .withNewMetadata()
          .withNamespace(namespace)
          .withName(name)
          .withUid(uid(name.hashCode() * 31L + namespace.hashCode()))
          .endMetadata()
          .build();
    }

    Pod daemonSetPod() {
      return pod(0);
    }

    /** The nodes that run a pod with {@code pod}'s namespace and service account. */
    Set<String> nodesWith(PodIdentity pod) {
      Set<String> found = new java.util.HashSet<>();
      for (int i = 0; i < pods; i++) {
        boolean daemon = i < nodes;
        int d = daemon ? -1 : (i - nodes) / PODS_PER_DEPLOYMENT;
        String namespace = daemon ? namespace(0) : namespace(d);
        String account = daemon ? "log-shipper" : "app-" + d;
        if (namespace.equals(pod.namespace()) && account.equals(pod.serviceAccount())) {
          found.add(node(i % nodes));
        }
      }
      return found;
    }

    Pod pod(int i) {
      boolean daemon = i < nodes;
      int d = daemon ? -1 : (i - nodes) / PODS_PER_DEPLOYMENT;
      String namespace = daemon ? namespace(0) : namespace(d);
      String app = daemon ? "log-shipper" : "app-" + d;
      String hash = Integer.toHexString(0x5f00000 + (daemon ? 7 : d)).substring(0, 7);
      String name = daemon ? app + "-" + suffix(i) : app + "-" + hash + "-" + suffix(i);
      String node = node(i % nodes);
      int n = i % nodes;
      String hostIp = "10." + (64 + (n >> 16)) + "." + (n >> 8 & 255) + "." + (n & 255);
      int p = i + 1;
      String podIp = "100." + (64 + (p >> 16)) + "." + (p >> 8 & 255) + "." + (p & 255);
      String role = namespace + "-" + app;
      return new PodBuilder()
          .withNewMetadata()
          .withName(name)
          .withNamespace(namespace)
          .withUid(uid(i))
          .withResourceVersion(Integer.toString(1_000_000 + i))
          .withCreationTimestamp("2030-01-01T00:00:00Z")
          .withGenerateName(daemon ? app + "-" : app + "-" + hash + "-")
          .addToLabels("app.kubernetes.io/name", app)
          .addToLabels("app.kubernetes.io/part-of", namespace)
          .addToLabels("app.kubernetes.io/version", "1.4.2")
          .addToLabels(daemon ? "controller-revision-hash" : "pod-template-hash", hash)
          .addToAnnotations("iam.amazonaws.com/role", role)
          .addToAnnotations("prometheus.io/scrape", "true")
          .addToAnnotations("prometheus.io/port", "9090")
          .addToAnnotations("kubectl.kubernetes.io/restartedAt", "2029-12-31T12:00:00Z")
          .addNewOwnerReference()
          .withApiVersion("apps/v1")
          .withKind(daemon ? "DaemonSet" : "ReplicaSet")
          .withName(daemon ? app : app + "-" + hash)
          .withUid(uid(1_000_000_000L + d))
          .withController(true)
          .withBlockOwnerDeletion(true)
          .endOwnerReference()
          .endMetadata()
          .withNewSpec()
          .withNodeName(node)
          .withServiceAccountName(app)
          .withRestartPolicy("Always")
          .withDnsPolicy("ClusterFirst")
          .withTerminationGracePeriodSeconds(30L)
          .withSchedulerName("default-scheduler")
          .addToContainers(
              new ContainerBuilder()
                  .withName(app)
                  .withImage("123456789012.dkr.ecr.us-east-1.amazonaws.com/" + app + ":1.4.2")
                  .addNewPort()
                  .withContainerPort(8080)
                  .withName("http")
                  .withProtocol("TCP")
                  .endPort()
                  .addNewEnv()
                  .withName("AWS_REGION")
                  .withValue("us-east-1")
                  .endEnv()
                  .addNewEnv()
                  .withName("LOG_LEVEL")
                  .withValue("info")
                  .endEnv()
                  .addNewEnv()
                  .withName("JAVA_TOOL_OPTIONS")
                  .withValue("-XX:MaxRAMPercentage=75")
                  .endEnv()
                  .addNewEnv()
                  .withName("POD_NAME")
                  .withNewValueFrom()
                  .withNewFieldRef()
                  .withFieldPath("metadata.name")
                  .endFieldRef()
                  .endValueFrom()
                  .endEnv()
                  .withNewResources()
                  .addToRequests("cpu", new Quantity("250m"))
                  .addToRequests("memory", new Quantity("512Mi"))
                  .addToLimits("memory", new Quantity("512Mi"))
                  .endResources()
                  .withNewReadinessProbe()
                  .withNewHttpGet()
                  .withPath("/ready")
                  .withNewPort(8080)
                  .endHttpGet()
                  .withPeriodSeconds(10)
                  .endReadinessProbe()
                  .addNewVolumeMount()
                  .withName("config")
                  .withMountPath("/etc/" + app)
                  .endVolumeMount()
                  .addNewVolumeMount()
                  .withName("kube-api-access")
                  .withMountPath("/var/run/secrets/kubernetes.io/serviceaccount")
                  .withReadOnly(true)
                  .endVolumeMount()
                  .withImagePullPolicy("IfNotPresent")
                  .build())
          .addToContainers(
              new ContainerBuilder()
                  .withName("envoy")
                  .withImage("envoyproxy/envoy:v1.31.0")
                  .withArgs("--config-path", "/etc/envoy/envoy.yaml")
                  .withNewResources()
                  .addToRequests("cpu", new Quantity("50m"))
                  .addToRequests("memory", new Quantity("64Mi"))
                  .endResources()
                  .build())
          .addNewVolume()
          .withName("config")
          .withNewConfigMap()
          .withName(app + "-config")
          .endConfigMap()
          .endVolume()
          .addNewVolume()
          .withName("kube-api-access")
          .withNewProjected()
          .addNewSource()
          .withNewServiceAccountToken()
          .withExpirationSeconds(3607L)
          .withPath("token")
          .endServiceAccountToken()
          .endSource()
          .endProjected()
          .endVolume()
          .addNewToleration()
          .withKey("node.kubernetes.io/not-ready")
          .withOperator("Exists")
          .withEffect("NoExecute")
          .withTolerationSeconds(300L)
          .endToleration()
          .endSpec()
          .withNewStatus()
          .withPhase("Running")
          .withHostIP(hostIp)
          .addNewHostIP(hostIp)
          .withPodIP(podIp)
          .addNewPodIP(podIp)
          .withQosClass("Burstable")
          .withStartTime("2030-01-01T00:00:05Z")
          .addNewCondition()
          .withType("Ready")
          .withStatus("True")
          .withLastTransitionTime("2030-01-01T00:00:15Z")
          .endCondition()
          .addNewCondition()
          .withType("ContainersReady")
          .withStatus("True")
          .withLastTransitionTime("2030-01-01T00:00:15Z")
          .endCondition()
          .addNewCondition()
          .withType("PodScheduled")
          .withStatus("True")
          .withLastTransitionTime("2030-01-01T00:00:01Z")
          .endCondition()
          .addNewContainerStatus()
          .withName(app)
          .withReady(true)
          .withRestartCount(0)
          .withImage("123456789012.dkr.ecr.us-east-1.amazonaws.com/" + app + ":1.4.2")
          .withImageID("sha256:" + "0123456789abcdef".repeat(4))
          .withContainerID("containerd://" + Long.toHexString(i * 7919L).repeat(4))
          .withNewState()
          .withNewRunning()
          .withStartedAt("2030-01-01T00:00:10Z")
          .endRunning()
          .endState()
          .endContainerStatus()
          .endStatus()
          .build();
    }

    static String suffix(int i) {
      String s = Integer.toString(i, 36);
      return ("00000" + s).substring(s.length());
    }

    static String uid(long i) {
      return new java.util.UUID(0x5ca1e00000000000L + i, 0x8000000000000000L | i * 2654435761L)
          .toString();
    }
  }

  /**
   * STS as far as memory goes: credentials of AWS's sizes (a 20-character key id, a 40-character
   * secret and a session token of about 900 characters, each random so that nothing is shared).
   */
  private static final class SizedIssuer implements CredentialIssuer {
    private final MutableClock clock;
    private final SplittableRandom random = new SplittableRandom(7);
    final AtomicInteger calls = new AtomicInteger();

    SizedIssuer(MutableClock clock) {
      this.clock = clock;
    }

    @Override
    public synchronized IssuedCredentials issue(SessionRequest request) {
      calls.incrementAndGet();
      Credentials credentials =
          new Credentials(
              "ASIA" + text(12).toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "X"),
              text(30),
              "IQoJb3JpZ2luX2Vj" + text(660),
              clock.instant().plus(request.duration()));
      return new IssuedCredentials(credentials, FakeIssuer.assumedRoleArn(request));
    }

    private String text(int bytes) {
      byte[] raw = new byte[bytes];
      random.nextBytes(raw);
      return Base64.getEncoder().encodeToString(raw);
    }
  }

  /** A class histogram of the live heap (a full GC first), from the JVM's diagnostic command. */
  private record Histogram(Map<String, long[]> classes, long total) {

    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(.+)$");
    private static final Pattern TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)\\s*$");

    static Histogram take() throws Exception {
      String text =
          (String)
              ManagementFactory.getPlatformMBeanServer()
                  .invoke(
                      new ObjectName("com.sun.management:type=DiagnosticCommand"),
                      "gcClassHistogram",
                      new Object[] {new String[0]},
                      new String[] {String[].class.getName()});
      Map<String, long[]> classes = new HashMap<>();
      long total = -1;
      for (String line : text.split("\n")) {
        Matcher row = ROW.matcher(line);
        if (row.matches()) {
          String name = row.group(3).replaceAll(" \\(.*\\)$", "");
          classes.merge(
              name,
              new long[] {Long.parseLong(row.group(1)), Long.parseLong(row.group(2))},
              (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
          continue;
        }
        Matcher sum = TOTAL.matcher(line);
        if (sum.matches()) {
          total = Long.parseLong(sum.group(2));
        }
      }
      if (total < 0) {
        throw new IllegalStateException("no total in the class histogram");
      }
      return new Histogram(classes, total);
    }

    Histogram minus(Histogram before) {
      Map<String, long[]> diff = new HashMap<>();
      classes.forEach(
          (name, counts) -> {
            long[] old = before.classes.getOrDefault(name, new long[2]);
            diff.put(name, new long[] {counts[0] - old[0], counts[1] - old[1]});
          });
      return new Histogram(diff, total - before.total);
    }

    /** The classes holding the most bytes, per {@code per} (pods, agents). */
    List<Map<String, Object>> top(int count, int per) {
      return classes.entrySet().stream()
          .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]))
          .limit(count)
          .map(
              e -> {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("class", e.getKey());
                row.put("instances_per", round3((double) e.getValue()[0] / per));
                row.put("bytes_per", round((double) e.getValue()[1] / per));
                return row;
              })
          .toList();
    }
  }

  static double seconds(long nanos) {
    return nanos / 1e9;
  }

  static long round(double value) {
    return Math.round(value);
  }

  static double round3(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
