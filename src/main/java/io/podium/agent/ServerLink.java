package io.podium.agent;

import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.podium.wire.ErrorDetails;
import io.podium.wire.WireCodec;
import io.podium.wire.v1.Capability;
import io.podium.wire.v1.ErrorReason;
import io.podium.wire.v1.LookupRequest;
import io.podium.wire.v1.LookupResponse;
import io.podium.wire.v1.NodeCredentialsGrpc;
import io.podium.wire.v1.NodeReport;
import io.podium.wire.v1.NodeReportAck;
import io.podium.wire.v1.Peer;
import io.podium.wire.v1.WatchEvent;
import io.podium.wire.v1.WatchRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's connection to one server replica: a Watch stream feeding the {@link NodeView}, kept
 * open for as long as the agent runs, re-opened with jittered backoff whenever it ends (a replica
 * restarting, slow to sync or refusing), and never a reason for the agent to exit.
 */
final class ServerLink implements NodeReporter.Target {

  private static final Logger log = LoggerFactory.getLogger(ServerLink.class);

  private final String name;
  private final ManagedChannel channel;
  private final NodeCredentialsGrpc.NodeCredentialsStub stub;
  private final NodeView view;
  private final WatchRequest request;
  private final ScheduledExecutorService timers;
  private final Backoff backoff;
  private final AgentMetrics metrics;
  private final TlsExplanations tls;
  // The last attempt's TLS failure in words, while it lasts; logged at full volume when it changes.
  private volatile String tlsFailure;
  private String tlsFailureLogged;

  // Guarded by this.
  private ClientCallStreamObserver<WatchRequest> call;
  private ScheduledFuture<?> retry;
  private boolean closed;
  private volatile boolean synced;
  // The replica id from the server's hello: which sessions it owns follows from it.
  private volatile String replica;
  // Whether the server's hello announced ReportNode.
  private volatile boolean takesReports;
  private final Consumer<ServerLink> onSynced;

  /**
   * @param authority the name the server's certificate must carry (the {@code --server} host)
   * @param callCredentials the agent's token, or {@code null}
   */
  ServerLink(
      String authority,
      InetSocketAddress address,
      ChannelCredentials credentials,
      CallCredentials callCredentials,
      NodeView view,
      String node,
      String version,
      ScheduledExecutorService timers,
      AgentMetrics metrics,
      TlsExplanations tls,
      Consumer<ServerLink> onSynced) {
    this.tls = tls;
    this.onSynced = onSynced;
    this.name = authority + "@" + address.getAddress().getHostAddress() + ":" + address.getPort();
    this.channel =
        NettyChannelBuilder.forAddress(address, credentials)
            .overrideAuthority(authority + ":" + address.getPort())
            // A replica that vanished without closing its connections is noticed in seconds.
            .keepAliveTime(10, TimeUnit.SECONDS)
            .keepAliveTimeout(5, TimeUnit.SECONDS)
            .keepAliveWithoutCalls(true)
            .maxInboundMessageSize(16 * 1024 * 1024)
            .build();
    NodeCredentialsGrpc.NodeCredentialsStub plain = NodeCredentialsGrpc.newStub(channel);
    this.stub = callCredentials == null ? plain : plain.withCallCredentials(callCredentials);
    this.view = view;
    this.request =
        WatchRequest.newBuilder()
            .setNode(node == null ? "" : node)
            .setAgent(
                Peer.newBuilder()
                    .setVersion(version)
                    .setProtocol(WireCodec.PROTOCOL)
                    .addCapabilities(Capability.CAPABILITY_CREDENTIALS_PUSH)
                    .addCapabilities(Capability.CAPABILITY_LOOKUP_CREDENTIALS)
                    .addCapabilities(Capability.CAPABILITY_NODE_REPORTS))
            .build();
    this.timers = timers;
    this.backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5), new Random());
    this.metrics = metrics;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean acceptsReports() {
    return synced && takesReports;
  }

  @Override
  public CompletableFuture<NodeReportAck> report(NodeReport report, Duration deadline) {
    CompletableFuture<NodeReportAck> answer = new CompletableFuture<>();
    stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
        .reportNode(report, answerInto(answer));
    return answer;
  }

  /** The replica id this link's server gave in its hello; empty before one arrived. */
  String replica() {
    String id = replica;
    return id == null ? "" : id;
  }

  /** Why this link's last attempt failed in TLS, until one succeeds; empty when it did not. */
  Optional<String> tlsFailure() {
    return Optional.ofNullable(tlsFailure);
  }

  /** Whether this link's stream is open and its snapshot complete. */
  boolean synced() {
    return synced;
  }

  synchronized void start() {
    if (closed || call != null) {
      return;
    }
    view.streamStarted(this);
    stub.watch(request, new Watcher());
  }

  /** Asks this replica about one IP, within {@code deadline}. */
  CompletableFuture<LookupResponse> lookup(
      InetAddress ip, boolean wantCredentials, Duration deadline) {
    CompletableFuture<LookupResponse> answer = new CompletableFuture<>();
    stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
        .lookup(
            LookupRequest.newBuilder()
                .setIp(WireCodec.encode(ip))
                .setWantCredentials(wantCredentials)
                .build(),
            answerInto(answer));
    return answer;
  }

  /** A unary call's observer that completes {@code answer} with its one response. */
  private static <T> StreamObserver<T> answerInto(CompletableFuture<T> answer) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T response) {
        answer.complete(response);
      }

      @Override
      public void onError(Throwable t) {
        answer.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        answer.completeExceptionally(
            Status.INTERNAL.withDescription("the call ended without an answer").asException());
      }
    };
  }

  synchronized void close() {
    closed = true;
    if (retry != null) {
      retry.cancel(false);
    }
    if (call != null) {
      call.cancel("agent stopping", null);
    }
    channel.shutdownNow();
  }

  private synchronized void ended(Throwable failure) {
    call = null;
    synced = false;
    view.streamEnded(this);
    if (closed) {
      return;
    }
    Duration delay = backoff.next();
    Status status = Status.fromThrowable(failure);
    String reason = ErrorDetails.reason(failure).name();
    Optional<String> tlsExplained = tls.explain(failure);
    tlsFailure = tlsExplained.map(why -> "TLS to server " + name + " failed: " + why).orElse(null);
    if (tlsFailure != null) {
      // Agents retry every few seconds: the same refusal is logged again only when it changes.
      if (!tlsFailure.equals(tlsFailureLogged)) {
        log.error(
            "{}; retrying in {} ms (logged again when the reason changes)",
            tlsFailure,
            delay.toMillis());
        tlsFailureLogged = tlsFailure;
      } else {
        log.debug("{}; retrying in {} ms", tlsFailure, delay.toMillis());
      }
    } else if (ErrorDetails.reason(failure) == ErrorReason.ERROR_REASON_OTHER_NODE
        && status.getCode() == Status.Code.PERMISSION_DENIED) {
      log.error(
          "Server {} refused this agent: {} {} ({}); we claim --node {} with our certificate {};"
              + " retrying in {} ms",
          name,
          status.getCode(),
          status.getDescription(),
          reason,
          request.getNode(),
          tls.ourCertificate(),
          delay.toMillis());
    } else if (status.getCode() == Status.Code.PERMISSION_DENIED
        || status.getCode() == Status.Code.UNAUTHENTICATED) {
      log.error(
          "Server {} refused this agent: {} {} ({}); retrying in {} ms",
          name,
          status.getCode(),
          status.getDescription(),
          reason,
          delay.toMillis());
    } else {
      log.warn(
          "Stream from server {} ended: {} {} ({}); reconnecting in {} ms",
          name,
          status.getCode(),
          status.getDescription(),
          reason,
          delay.toMillis());
    }
    metrics.streamEnded();
    retry = timers.schedule(this::restart, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private synchronized void restart() {
    retry = null;
    start();
  }

  /** Receives one stream's events, in order, on a gRPC thread. */
  private final class Watcher implements ClientResponseObserver<WatchRequest, WatchEvent> {

    @Override
    public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
      synchronized (ServerLink.this) {
        call = requestStream;
      }
    }

    @Override
    public void onNext(WatchEvent event) {
      switch (event.getEventCase()) {
        case HELLO -> {
          replica = event.getHello().getReplica();
          takesReports =
              event
                  .getHello()
                  .getServer()
                  .getCapabilitiesList()
                  .contains(Capability.CAPABILITY_NODE_REPORTS);
          view.minRemaining(Duration.ofSeconds(event.getHello().getMinRemainingSeconds()));
          view.node(event.getHello().getNode());
          log.info(
              "Connected to server {} (replica {}, protocol {}, version {}) as node {}",
              name,
              event.getHello().getReplica(),
              event.getHello().getServer().getProtocol(),
              event.getHello().getServer().getVersion(),
              event.getHello().getNode());
        }
        case POD -> view.podUpserted(ServerLink.this, event.getPod());
        case POD_REMOVED -> view.podRemoved(ServerLink.this, event.getPodRemoved().getUid());
        case CREDENTIALS -> view.credentialsArrived(event.getCredentials());
        case SERVICE_ACCOUNT_KEYS -> view.serviceAccountKeys(event.getServiceAccountKeys());
        case SYNCED -> {
          synchronized (ServerLink.this) {
            backoff.reset();
            tlsFailure = null;
            tlsFailureLogged = null;
          }
          synced = true;
          view.synced(ServerLink.this);
          log.info("Synced with server {}: {} pods known", name, view.podCount());
          onSynced.accept(ServerLink.this);
        }
        // An event a newer server added: nothing this version must act on.
        case EVENT_NOT_SET -> log.debug("ignoring an event this agent version does not know");
      }
    }

    @Override
    public void onError(Throwable t) {
      ended(t);
    }

    @Override
    public void onCompleted() {
      ended(Status.UNAVAILABLE.withDescription("the server ended the stream").asException());
    }
  }
}
