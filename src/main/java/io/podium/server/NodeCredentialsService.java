package io.podium.server;

import com.google.rpc.Code;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.podium.core.PodDirectory;
import io.podium.core.PodProblems;
import io.podium.core.RoleOutcome;
import io.podium.core.broker.CachedCredentials;
import io.podium.core.broker.CredentialBroker;
import io.podium.core.broker.Scheduler;
import io.podium.core.broker.StsCallException;
import io.podium.core.pod.PodIdentity;
import io.podium.core.pod.PodLookup;
import io.podium.wire.ErrorDetails;
import io.podium.wire.WireCodec;
import io.podium.wire.v1.Capability;
import io.podium.wire.v1.ErrorDetail;
import io.podium.wire.v1.ErrorReason;
import io.podium.wire.v1.LookupRequest;
import io.podium.wire.v1.LookupResponse;
import io.podium.wire.v1.NodeCredentialsGrpc;
import io.podium.wire.v1.NodeReport;
import io.podium.wire.v1.NodeReportAck;
import io.podium.wire.v1.Peer;
import io.podium.wire.v1.ServerHello;
import io.podium.wire.v1.SessionCredentials;
import io.podium.wire.v1.WatchEvent;
import io.podium.wire.v1.WatchRequest;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The {@code podium.v1.NodeCredentials} service: translates requests into hub subscriptions and
 * directory lookups, and outcomes into messages and status codes with typed details. Every call is
 * scoped to the node {@link AgentAuthentication} established.
 */
public final class NodeCredentialsService extends NodeCredentialsGrpc.NodeCredentialsImplBase {

  private static final Logger log = LoggerFactory.getLogger(NodeCredentialsService.class);

  /** What this server does beyond revision 1's minimum. */
  static final Peer SERVER_PEER_TEMPLATE =
      Peer.newBuilder()
          .setProtocol(WireCodec.PROTOCOL)
          .addCapabilities(Capability.CAPABILITY_CREDENTIALS_PUSH)
          .addCapabilities(Capability.CAPABILITY_LOOKUP_CREDENTIALS)
          .addCapabilities(Capability.CAPABILITY_SERVICE_ACCOUNT_KEYS)
          .addCapabilities(Capability.CAPABILITY_NODE_REPORTS)
          .build();

  private final NodeHub hub;
  private final PodDirectory directory;
  private final CredentialBroker<SessionCredentials> broker;
  private final Scheduler scheduler;
  private final Duration stsWait;
  private final BooleanSupplier ready;
  private final String replica;
  private final String version;
  private final Duration minRemaining;
  private final long maxUnsentBytes;
  private final PodProblems problems;
  private final NodeReports reports;
  private final LongAdder tooSlowAgents = new LongAdder();
  private volatile boolean stopping;

  /**
   * The most a Watch stream may queue for an agent that does not read (see {@link AgentStream}):
   * far above a node's snapshot (250 pods, each with its own session's credentials: under 1 MB).
   */
  public static final long DEFAULT_MAX_UNSENT_BYTES = 8L * 1024 * 1024;

  /**
   * @param ready whether the pod source has synced (until then calls get UNAVAILABLE)
   * @param stsWait the longest a lookup waits for STS
   * @param maxUnsentBytes the most a Watch stream may queue while its agent does not read
   * @param problems told when a lookup's STS call fails (in a cluster: an Event on the pod)
   * @param reports acts on agents' reports about their nodes (the start-up taint)
   */
  public NodeCredentialsService(
      NodeHub hub,
      PodDirectory directory,
      CredentialBroker<SessionCredentials> broker,
      Scheduler scheduler,
      Duration stsWait,
      Duration minRemaining,
      BooleanSupplier ready,
      String replica,
      String version,
      long maxUnsentBytes,
      PodProblems problems,
      NodeReports reports) {
    this.maxUnsentBytes = maxUnsentBytes;
    this.problems = problems;
    this.reports = reports;
    this.hub = hub;
    this.directory = directory;
    this.broker = broker;
    this.scheduler = scheduler;
    this.stsWait = stsWait;
    this.minRemaining = minRemaining;
    this.ready = ready;
    this.replica = replica;
    this.version = version;
  }

  @Override
  public void watch(WatchRequest request, StreamObserver<WatchEvent> responses) {
    AgentIdentity agent = AgentIdentity.CONTEXT_KEY.get();
    Optional<StatusRuntimeException> refusal = refuseUnready();
    if (refusal.isEmpty()
        && !request.getNode().isEmpty()
        && !request.getNode().equals(agent.node())) {
      log.warn(
          "Refused a watch for node {} from the agent of node {} ({}): it is authenticated as node"
              + " {} by its {}",
          request.getNode(),
          agent.node(),
          Objects.requireNonNullElse(AgentAuthentication.CALLER.get(), "caller unknown"),
          agent.node(),
          agent.method() == AgentIdentity.Method.CERTIFICATE
              ? "certificate's node URI SAN"
              : "service-account token");
      refusal =
          Optional.of(
              ErrorDetails.error(
                  Code.PERMISSION_DENIED,
                  ErrorDetail.newBuilder()
                      .setReason(ErrorReason.ERROR_REASON_OTHER_NODE)
                      .setNode(agent.node())
                      .build(),
                  "this agent is authenticated as node " + agent.node()));
    }
    if (refusal.isPresent()) {
      responses.onError(refusal.get());
      return;
    }
    ServerCallStreamObserver<WatchEvent> observer =
        (ServerCallStreamObserver<WatchEvent>) responses;
    AgentStream stream =
        new AgentStream(agent.node(), observer, maxUnsentBytes, tooSlowAgents::increment);
    observer.setOnCancelHandler(
        () -> {
          stream.markEnded();
          hub.unsubscribe(stream);
          log.info("Agent of node {} disconnected", agent.node());
        });
    stream.send(
        WatchEvent.newBuilder()
            .setHello(
                ServerHello.newBuilder()
                    .setServer(SERVER_PEER_TEMPLATE.toBuilder().setVersion(version))
                    .setReplica(replica)
                    .setNode(agent.node())
                    .setMinRemainingSeconds(minRemaining.toSeconds()))
            .build());
    hub.subscribe(stream);
    log.info(
        "Agent of node {} (protocol {}, version {}) is watching",
        agent.node(),
        request.getAgent().getProtocol(),
        request.getAgent().getVersion());
  }

  @Override
  public void lookup(LookupRequest request, StreamObserver<LookupResponse> responses) {
    AgentIdentity agent = AgentIdentity.CONTEXT_KEY.get();
    Optional<StatusRuntimeException> refusal = refuseUnready();
    if (refusal.isPresent()) {
      responses.onError(refusal.get());
      return;
    }
    Optional<InetAddress> ip = WireCodec.decodeIp(request.getIp());
    if (ip.isEmpty()) {
      responses.onError(
          ErrorDetails.error(
              Code.INVALID_ARGUMENT,
              ErrorReason.ERROR_REASON_INVALID_REQUEST,
              "ip must be 4 or 16 bytes, not " + request.getIp().size()));
      return;
    }
    directory
        .findByIp(ip.get())
        .thenCompose(found -> answer(agent, ip.get(), found, request.getWantCredentials()))
        .whenComplete(
            (response, failure) -> {
              if (failure == null) {
                responses.onNext(response);
                responses.onCompleted();
              } else {
                responses.onError(asStatus(failure));
              }
            });
  }

  @Override
  public void reportNode(NodeReport request, StreamObserver<NodeReportAck> responses) {
    AgentIdentity agent = AgentIdentity.CONTEXT_KEY.get();
    if (stopping) {
      responses.onError(
          ErrorDetails.error(
              Code.UNAVAILABLE,
              ErrorReason.ERROR_REASON_SHUTTING_DOWN,
              "replica " + replica + " is stopping; use another"));
      return;
    }
    NodeReportAck ack;
    try {
      // The authenticated node, never a claim: an agent acts on its own node only.
      ack = NodeReportAck.newBuilder().setTaint(reports.report(agent.node(), request)).build();
    } catch (StartupTaint.Failed e) {
      responses.onError(
          ErrorDetails.error(
              Code.UNAVAILABLE,
              ErrorReason.ERROR_REASON_KUBERNETES_API_FAILED,
              "cannot remove the start-up taint of node " + agent.node() + ": " + e.getMessage()));
      return;
    }
    responses.onNext(ack);
    responses.onCompleted();
  }

  /** Watch streams ended because their agent did not read its events, since start. */
  public long tooSlowAgents() {
    return tooSlowAgents.sum();
  }

  /** Ends every stream so that agents move to other replicas; later calls are refused. */
  public void stop() {
    stopping = true;
    StatusRuntimeException goingAway =
        ErrorDetails.error(
            Code.UNAVAILABLE,
            ErrorReason.ERROR_REASON_SHUTTING_DOWN,
            "replica " + replica + " is stopping; use another");
    for (AgentStream stream : hub.streams()) {
      hub.unsubscribe(stream);
      stream.end(goingAway);
    }
  }

  private Optional<StatusRuntimeException> refuseUnready() {
    if (stopping) {
      return Optional.of(
          ErrorDetails.error(
              Code.UNAVAILABLE,
              ErrorReason.ERROR_REASON_SHUTTING_DOWN,
              "replica " + replica + " is stopping; use another"));
    }
    if (!ready.getAsBoolean()) {
      return Optional.of(
          ErrorDetails.error(
              Code.UNAVAILABLE,
              ErrorReason.ERROR_REASON_NOT_READY,
              "replica " + replica + " has not synced its pods yet"));
    }
    return Optional.empty();
  }

  private CompletionStage<LookupResponse> answer(
      AgentIdentity agent, InetAddress ip, PodLookup lookup, boolean wantCredentials) {
    return switch (lookup) {
      case PodLookup.Found found -> answerFound(agent, ip, found.pod(), wantCredentials);
      case PodLookup.NotFound notFound ->
          CompletableFuture.failedFuture(
              ErrorDetails.error(
                  Code.NOT_FOUND,
                  ErrorReason.ERROR_REASON_POD_NOT_FOUND,
                  "no pod that may hold credentials holds " + ip.getHostAddress()));
      case PodLookup.Ambiguous ambiguous ->
          CompletableFuture.failedFuture(
              ErrorDetails.error(
                  Code.FAILED_PRECONDITION,
                  ErrorReason.ERROR_REASON_AMBIGUOUS_IP,
                  ambiguous.pods().size() + " pods claim " + ip.getHostAddress()));
      case PodLookup.HostAddress host ->
          CompletableFuture.failedFuture(
              ErrorDetails.error(
                  Code.FAILED_PRECONDITION,
                  ErrorReason.ERROR_REASON_HOST_ADDRESS,
                  ip.getHostAddress() + " is a node's address"));
    };
  }

  private CompletionStage<LookupResponse> answerFound(
      AgentIdentity agent, InetAddress ip, PodIdentity pod, boolean wantCredentials) {
    if (!agent.node().equals(pod.nodeName())) {
      // Said without naming the pod or its node: the caller may learn nothing about other nodes.
      try {
        MDC.put("pod.namespace", pod.namespace());
        MDC.put("pod.name", pod.name());
        MDC.put("pod.uid", pod.uid());
        log.warn(
            "Refused the agent of node {} a lookup of {}: the pod there runs on node {}",
            agent.node(),
            ip.getHostAddress(),
            pod.nodeName());
      } finally {
        MDC.remove("pod.namespace");
        MDC.remove("pod.name");
        MDC.remove("pod.uid");
      }
      return CompletableFuture.failedFuture(
          ErrorDetails.error(
              Code.PERMISSION_DENIED,
              ErrorDetail.newBuilder()
                  .setReason(ErrorReason.ERROR_REASON_OTHER_NODE)
                  .setNode(agent.node())
                  .build(),
              ip.getHostAddress() + " is not a pod of node " + agent.node()));
    }
    RoleOutcome outcome = hub.decide(pod);
    LookupResponse.Builder response =
        LookupResponse.newBuilder().setPod(WireCodec.encode(pod, outcome));
    if (!wantCredentials || !(outcome instanceof RoleOutcome.Permitted permitted)) {
      return CompletableFuture.completedFuture(response.build());
    }
    Optional<CachedCredentials<SessionCredentials>> cached = broker.cached(permitted.request());
    if (cached.isPresent()) {
      return CompletableFuture.completedFuture(
          response.setCredentials(cached.get().rendered()).build());
    }
    // One chain, so that a failure anywhere in it reaches the agent rather than the timeout below.
    CompletableFuture<LookupResponse> answer =
        broker
            .credentials(permitted.request())
            .whenComplete(
                (credentials, failure) -> {
                  if (failure != null && unwrap(failure) instanceof StsCallException sts) {
                    problems.stsFailed(pod, permitted.role(), sts);
                  }
                })
            .thenApply(credentials -> response.setCredentials(credentials.rendered()).build());
    Scheduler.Cancellable timeout =
        scheduler.schedule(
            stsWait,
            () ->
                answer.completeExceptionally(
                    ErrorDetails.error(
                        Code.UNAVAILABLE,
                        ErrorReason.ERROR_REASON_STS_UNAVAILABLE,
                        "STS has not answered within " + stsWait.toMillis() + " ms")));
    return answer.whenComplete((r, f) -> timeout.cancel());
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException ? failure.getCause() : failure;
  }

  private static Throwable asStatus(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof StatusRuntimeException status) {
      return status;
    }
    if (cause instanceof StsCallException sts) {
      return ErrorDetails.error(
          sts.retryable() ? Code.UNAVAILABLE : Code.FAILED_PRECONDITION,
          ErrorDetail.newBuilder()
              .setReason(
                  sts.retryable()
                      ? ErrorReason.ERROR_REASON_STS_UNAVAILABLE
                      : ErrorReason.ERROR_REASON_STS_DENIED)
              .setStsErrorCode(sts.errorCode())
              .build(),
          "AssumeRole failed: " + sts.errorCode());
    }
    log.error("lookup failed unexpectedly", cause);
    return ErrorDetails.error(
        Code.INTERNAL, ErrorReason.ERROR_REASON_UNSPECIFIED, "internal error");
  }
}
