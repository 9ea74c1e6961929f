package io.podium.server;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.podium.core.PodDirectory;
import io.podium.core.Prefetcher;
import io.podium.core.RoleDecider;
import io.podium.core.broker.BrokerObserver;
import io.podium.core.broker.BrokerSettings;
import io.podium.core.broker.CredentialBroker;
import io.podium.core.pod.PodIdentity;
import io.podium.core.pod.PodIpIndex;
import io.podium.core.pod.PodLookup;
import io.podium.core.role.AllowedRoles;
import io.podium.core.role.NamespacePolicy;
import io.podium.core.role.RoleBaseArn;
import io.podium.core.role.RolePolicy;
import io.podium.core.role.RoleResolver;
import io.podium.core.session.SessionDurations;
import io.podium.core.session.SessionRequestFactory;
import io.podium.testing.FakeIssuer;
import io.podium.testing.ManualScheduler;
import io.podium.testing.MutableClock;
import io.podium.wire.v1.NodeCredentialsGrpc;
import io.podium.wire.v1.SessionCredentials;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The server's service on an in-process gRPC server, with fake time and a fake STS. Authentication
 * is the only part replaced: the node a test client "is" travels in a {@code test-node} header
 * (mutual TLS and tokens are tested over real sockets elsewhere).
 */
final class InProcessAgentApi implements AutoCloseable {

  static final Optional<RoleBaseArn> BASE =
      Optional.of(RoleBaseArn.parse("arn:aws:iam::123456789012:role/"));
  static final Metadata.Key<String> TEST_NODE =
      Metadata.Key.of("test-node", Metadata.ASCII_STRING_MARSHALLER);

  final MutableClock clock = MutableClock.at("2026-11-27T10:00:00Z");
  final ManualScheduler scheduler = new ManualScheduler(clock);
  final FakeIssuer issuer = new FakeIssuer(clock);
  final Directory directory = new Directory();
  final PublishingRenderer renderer = new PublishingRenderer();
  final CredentialBroker<SessionCredentials> broker =
      new CredentialBroker<>(
          issuer,
          renderer,
          BrokerSettings.defaults(SessionDurations.defaults()),
          clock,
          scheduler,
          Runnable::run,
          BrokerObserver.NONE,
          new SplittableRandom(1));
  final RoleDecider decider =
      new RoleDecider(
          new RoleResolver(BASE, Optional.empty()),
          new RolePolicy(true),
          SessionRequestFactory.withDefaults());
  final NodeHub hub = new NodeHub(decider, directory::namespacePolicy, clock);
  final Prefetcher prefetcher = new Prefetcher(broker, decider, directory::namespacePolicy, clock);
  final AtomicBoolean ready = new AtomicBoolean(true);
  final RecordingProblems problems = new RecordingProblems();
  final RecordingTaint taint = new RecordingTaint();
  final PrometheusRegistry registry = new PrometheusRegistry();
  final NodeReports reports = new NodeReports(Optional.of(taint), registry);
  final NodeCredentialsService service;
  private final String name = InProcessServerBuilder.generateName();
  private final Server server;
  private final List<ManagedChannel> channels = new ArrayList<>();

  InProcessAgentApi() throws IOException {
    this(NodeCredentialsService.DEFAULT_MAX_UNSENT_BYTES);
  }

  /** With streams ended once {@code maxUnsentBytes} wait for an agent that does not read. */
  InProcessAgentApi(long maxUnsentBytes) throws IOException {
    service =
        new NodeCredentialsService(
            hub,
            directory,
            broker,
            scheduler,
            Duration.ofMillis(900),
            SessionDurations.DEFAULT_MIN_REMAINING,
            ready::get,
            "replica-1",
            "test",
            maxUnsentBytes,
            problems,
            reports);
    renderer.publishTo(hub::credentialsIssued);
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(ServerInterceptors.intercept(service, new HeaderIdentity()))
            .build()
            .start();
  }

  /** A client that the server takes for the agent of {@code node}. */
  NodeCredentialsGrpc.NodeCredentialsStub agent(String node) {
    return NodeCredentialsGrpc.newStub(channel())
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(header(node)));
  }

  NodeCredentialsGrpc.NodeCredentialsBlockingStub blockingAgent(String node) {
    return NodeCredentialsGrpc.newBlockingStub(channel())
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(header(node)));
  }

  ManagedChannel channel() {
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    channels.add(channel);
    return channel;
  }

  static Metadata header(String node) {
    Metadata headers = new Metadata();
    headers.put(TEST_NODE, node);
    return headers;
  }

  /** A pod appears: the hub, the prefetcher and the directory hear it, as from a pod source. */
  void add(PodIdentity pod) {
    directory.index.upsert(pod);
    hub.podUpserted(pod);
    prefetcher.podUpserted(pod);
  }

  void remove(PodIdentity pod) {
    directory.index.remove(pod.uid());
    hub.podRemoved(pod);
    prefetcher.podRemoved(pod);
  }

  void permit(String namespace, String regex) {
    directory.namespaces.put(
        namespace,
        // The tests' namespaces let their pods choose (prefixed) session names, to share sessions.
        NamespacePolicy.compile(namespace, regex, AllowedRoles.ABSENT, true, BASE));
    // As a pod source does: the namespace's pods are told again, to be judged anew.
    for (PodIdentity pod : directory.index.pods()) {
      if (pod.namespace().equals(namespace)) {
        hub.podUpserted(pod);
        prefetcher.podUpserted(pod);
      }
    }
  }

  @Override
  public void close() {
    channels.forEach(ManagedChannel::shutdownNow);
    server.shutdownNow();
  }

  /** An in-memory directory on the real index, as the file and informer sources use it. */
  final class Directory implements PodDirectory {
    final PodIpIndex index = new PodIpIndex();
    final Map<String, NamespacePolicy> namespaces = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<PodLookup> findByIp(InetAddress address) {
      return CompletableFuture.completedFuture(index.lookup(address, clock.instant()));
    }

    @Override
    public CompletionStage<java.util.Optional<io.podium.core.pod.PodIdentity>> findByUid(
        String uid) {

      return CompletableFuture.completedFuture(index.pod(uid));
    }

    @Override
    public NamespacePolicy namespacePolicy(String namespace) {
      return namespaces.getOrDefault(namespace, NamespacePolicy.unannotated(namespace));
    }
  }

  /** A start-up taint on every node until removed; each removal recorded with its node. */
  static final class RecordingTaint implements StartupTaint {
    final List<String> removedFrom = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile RuntimeException failure;

    @Override
    public Removal removeFrom(String node) {
      if (failure != null) {
        throw new Failed(failure.getMessage(), failure);
      }
      if (removedFrom.contains(node)) {
        return Removal.ABSENT;
      }
      removedFrom.add(node);
      return Removal.REMOVED;
    }
  }

  private static final class HeaderIdentity implements ServerInterceptor {
    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
      AgentIdentity identity =
          new AgentIdentity(headers.get(TEST_NODE), AgentIdentity.Method.CERTIFICATE);
      return Contexts.interceptCall(
          Context.current().withValue(AgentIdentity.CONTEXT_KEY, identity), call, headers, next);
    }
  }
}
