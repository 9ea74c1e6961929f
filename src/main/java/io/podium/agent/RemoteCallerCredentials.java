package io.podium.agent;

import io.grpc.Status;
import io.podium.core.CallerCredentials;
import io.podium.core.CallerReasons;
import io.podium.core.CredentialOutcome;
import io.podium.core.PodClaims;
import io.podium.core.RoleOutcome;
import io.podium.core.TokenCallerCredentials;
import io.podium.core.broker.CachedCredentials;
import io.podium.core.broker.StsCallException;
import io.podium.core.pod.PodClaim;
import io.podium.core.pod.PodLookup;
import io.podium.imds.ImdsDocuments;
import io.podium.wire.ErrorDetails;
import io.podium.wire.WireCodec;
import io.podium.wire.v1.ErrorDetail;
import io.podium.wire.v1.ErrorReason;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The agent's answers to the metadata API, from memory: the pod at the caller's IP and its decision
 * from the {@link NodeView}, its session's credentials as the servers pushed them. Only what memory
 * lacks goes to a server: an IP not known yet, or credentials not pushed in time.
 *
 * <ul>
 *   <li>Until one replica's snapshot is complete, everything is 503 (never a wrong answer).
 *   <li>Credentials with at least the server's {@code --min-remaining} are served at once.
 *   <li>Older ones are refreshed through a lookup; if no replica can provide fresher ones (all
 *       away, or STS down), the cached ones are served down to {@code --outage-floor}, then 503.
 * </ul>
 */
final class RemoteCallerCredentials implements CallerCredentials<ImdsDocuments> {

  private final NodeView view;
  private final ServerConnections servers;
  private final Clock clock;
  private final ServerConnections.Settings settings;
  private final AgentMetrics metrics;

  RemoteCallerCredentials(
      NodeView view,
      ServerConnections servers,
      Clock clock,
      ServerConnections.Settings settings,
      AgentMetrics metrics) {
    this.view = view;
    this.servers = servers;
    this.clock = clock;
    this.settings = settings;
    this.metrics = metrics;
  }

  @Override
  public CompletionStage<RoleOutcome> role(InetAddress caller) {
    if (!view.everSynced()) {
      return CompletableFuture.completedFuture(
          new RoleOutcome.Unavailable(
              "the agent has not synced with a Podium server yet; try again shortly"));
    }
    PodLookup local = view.lookup(caller);
    if (!(local instanceof PodLookup.NotFound)) {
      return CompletableFuture.completedFuture(decide(local));
    }
    // Not in memory: the pod may be new, its event on its way. Ask a server, which waits for it.
    return servers
        .lookup(caller, false)
        .handle(
            (response, failure) -> {
              if (failure != null) {
                count(failure);
                return refusal(failure);
              }
              metrics.lookup("ok");
              return decide(view.lookup(caller));
            });
  }

  @Override
  public CompletionStage<CredentialOutcome<ImdsDocuments>> credentials(InetAddress caller) {
    return role(caller)
        .thenCompose(
            outcome ->
                outcome instanceof RoleOutcome.Permitted permitted
                    ? fetch(caller, permitted)
                    : CompletableFuture.completedFuture(
                        new CredentialOutcome.NotIssued<>(outcome)));
  }

  /**
   * The container-credentials endpoint's answers from the same memory: the token's pod is the one
   * at the caller's address ({@code checkAddress}), or the one with the token's uid, waited for as
   * long as a lookup may take when the servers have not sent it yet. Node scoping comes from the
   * servers, which send this node's pods only, and from the node a token names.
   */
  TokenCallerCredentials<ImdsDocuments> forTokens(boolean checkAddress) {
    return (claim, caller) -> {
      Optional<RoleOutcome> elsewhere = PodClaims.otherNode(claim, view.node());
      if (elsewhere.isPresent()) {
        return CompletableFuture.completedFuture(
            new CredentialOutcome.NotIssued<>(elsewhere.get()));
      }
      CompletionStage<RoleOutcome> decided =
          checkAddress
              ? role(caller)
                  .thenApply(
                      outcome -> PodClaims.confirmByAddress(claim, caller, outcome, view.node()))
              : byUid(claim);
      return decided.thenCompose(
          outcome ->
              outcome instanceof RoleOutcome.Permitted permitted
                  // A lookup for fresh credentials names the pod's own address: with the address
                  // check off the caller's may be anyone's.
                  ? fetch(permitted.pod().ips().getFirst(), permitted)
                  : CompletableFuture.completedFuture(new CredentialOutcome.NotIssued<>(outcome)));
    };
  }

  private CompletionStage<RoleOutcome> byUid(PodClaim claim) {
    if (!view.everSynced()) {
      return CompletableFuture.completedFuture(
          new RoleOutcome.Unavailable(
              "the agent has not synced with a Podium server yet; try again shortly"));
    }
    return view.awaitPod(claim.uid())
        .completeOnTimeout(
            Optional.empty(), settings.lookupDeadline().toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(
            entry ->
                entry
                    .map(
                        found ->
                            PodClaims.refuseFound(claim, found.pod(), clock.instant(), view.node())
                                .orElse(found.outcome()))
                    .orElseGet(() -> PodClaims.unknown(claim)));
  }

  private CompletionStage<CredentialOutcome<ImdsDocuments>> fetch(
      InetAddress caller, RoleOutcome.Permitted permitted) {
    String key = WireCodec.sessionKey(permitted.request());
    Optional<CachedCredentials<ImdsDocuments>> cached = view.credentials(key);
    Instant now = clock.instant();
    if (cached.isPresent() && fresh(cached.get(), now)) {
      return issued(permitted, cached.get());
    }
    // The owning replica pushes new credentials moments after a pod appears or before old ones
    // age: wait a little for them before asking a replica to fetch (which may cost an STS call).
    return view.awaitCredentials(key)
        .completeOnTimeout(null, settings.pushWait().toMillis(), TimeUnit.MILLISECONDS)
        .thenCompose(
            pushed -> {
              if (pushed != null) {
                return issued(permitted, pushed);
              }
              return servers
                  .lookup(caller, true, key)
                  .handle(
                      (response, failure) -> {
                        Optional<CachedCredentials<ImdsDocuments>> latest = view.credentials(key);
                        Instant later = clock.instant();
                        if (failure == null && latest.isPresent() && fresh(latest.get(), later)) {
                          metrics.lookup("ok");
                          return new CredentialOutcome.Issued<>(permitted, latest.get());
                        }
                        if (latest.isPresent() && servable(latest.get(), later)) {
                          // Every replica away or STS failing: serve what we hold, down to the
                          // floor, as the broker does during an STS outage.
                          if (failure != null) {
                            count(failure);
                          }
                          return new CredentialOutcome.Issued<>(permitted, latest.get());
                        }
                        return failure == null
                            ? new CredentialOutcome.NotIssued<>(
                                new RoleOutcome.Unavailable(
                                    "no credentials for " + permitted.role() + " yet"))
                            : credentialFailure(permitted, failure);
                      });
            });
  }

  private boolean fresh(CachedCredentials<ImdsDocuments> credentials, Instant now) {
    return credentials.remainingAt(now).compareTo(view.minRemaining()) >= 0;
  }

  private boolean servable(CachedCredentials<ImdsDocuments> credentials, Instant now) {
    return credentials.remainingAt(now).compareTo(settings.outageFloor()) >= 0;
  }

  private static CompletionStage<CredentialOutcome<ImdsDocuments>> issued(
      RoleOutcome.Permitted permitted, CachedCredentials<ImdsDocuments> credentials) {
    return CompletableFuture.completedFuture(
        new CredentialOutcome.Issued<>(permitted, credentials));
  }

  private RoleOutcome decide(PodLookup lookup) {
    return switch (lookup) {
      case PodLookup.Found found ->
          view.entry(found.pod().uid())
              .map(NodeView.Entry::outcome)
              .orElseGet(() -> new RoleOutcome.Unavailable("the pod was removed meanwhile"));
      default -> CallerReasons.withoutPod(lookup);
    };
  }

  /** A failed lookup of the caller's IP, as the metadata API's answer (never a guess). */
  private RoleOutcome refusal(Throwable failure) {
    Throwable cause = unwrap(failure);
    ErrorReason reason = ErrorDetails.reason(cause);
    return switch (reason) {
      case ERROR_REASON_HOST_ADDRESS ->
          new RoleOutcome.Refused(
              RoleOutcome.Refusal.HOST_ADDRESS, "the caller's address is a node's", null);
      case ERROR_REASON_POD_NOT_FOUND ->
          new RoleOutcome.Unavailable("no pod of this node holds the caller's address");
      case ERROR_REASON_OTHER_NODE ->
          // Another node's pod reaching this agent: misrouted traffic, never answered.
          new RoleOutcome.Unavailable("the caller's address is not a pod of this node");
      case ERROR_REASON_AMBIGUOUS_IP ->
          new RoleOutcome.Unavailable("several pods claim the caller's address; refusing to guess");
      default ->
          new RoleOutcome.Unavailable(
              "no Podium server could answer for the caller ("
                  + Status.fromThrowable(cause).getCode()
                  + ")");
    };
  }

  private CredentialOutcome<ImdsDocuments> credentialFailure(
      RoleOutcome.Permitted permitted, Throwable failure) {
    Throwable cause = unwrap(failure);
    Optional<ErrorDetail> detail = ErrorDetails.detail(cause);
    ErrorReason reason =
        detail.map(ErrorDetail::getReason).orElse(ErrorReason.ERROR_REASON_UNSPECIFIED);
    count(cause);
    String code =
        detail.map(ErrorDetail::getStsErrorCode).filter(c -> !c.isEmpty()).orElse("Unavailable");
    return switch (reason) {
      case ERROR_REASON_STS_DENIED ->
          new CredentialOutcome.StsFailed<>(
              permitted,
              new StsCallException.AccessDenied(code, "the server's STS call was refused", null));
      case ERROR_REASON_STS_UNAVAILABLE ->
          new CredentialOutcome.StsFailed<>(
              permitted, new StsCallException.Unavailable(code, "STS is not answering", null));
      default -> new CredentialOutcome.NotIssued<>(refusal(cause));
    };
  }

  private void count(Throwable failure) {
    boolean definite = ErrorDetails.reason(unwrap(failure)) != ErrorReason.ERROR_REASON_UNSPECIFIED;
    metrics.lookup(definite ? "refused" : "failed");
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause()
        : failure;
  }
}
