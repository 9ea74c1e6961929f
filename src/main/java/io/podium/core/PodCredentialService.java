package io.podium.core;

import io.podium.core.broker.CachedCredentials;
import io.podium.core.broker.CredentialBroker;
import io.podium.core.broker.Scheduler;
import io.podium.core.broker.StsCallException;
import io.podium.core.pod.PodClaim;
import io.podium.core.pod.PodLookup;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Answers "which role and which credentials for the caller at this IP" (the metadata API) and "for
 * the pod this token names, called from this IP" (container credentials): the pod directory, the
 * role decision, then the broker. A caller never waits longer than the configured bound for STS;
 * past it, the answer is a fast 503, while the STS call itself carries on for the next request.
 *
 * @param <R> the serving adapter's rendered form of credentials
 */
public final class PodCredentialService<R>
    implements CallerCredentials<R>, TokenCallerCredentials<R> {

  private final PodDirectory directory;
  private final RoleDecider decider;
  private final CredentialBroker<R> broker;
  private final Scheduler scheduler;
  private final Duration stsWait;
  private final PodClaims.Checks checks;
  private final Clock clock;

  /**
   * @param stsWait the longest a caller waits for an STS call (keep it under the SDKs' 1 s)
   */
  public PodCredentialService(
      PodDirectory directory,
      RoleDecider decider,
      CredentialBroker<R> broker,
      Scheduler scheduler,
      Duration stsWait) {
    this(
        directory,
        decider,
        broker,
        scheduler,
        stsWait,
        PodClaims.Checks.addressChecked(),
        Clock.systemUTC());
  }

  /**
   * @param checks how tokens are tied to callers ({@code --container-credentials-check-ip}, the
   *     node)
   * @param clock against which a token's pod is judged eligible when looked up by uid
   */
  public PodCredentialService(
      PodDirectory directory,
      RoleDecider decider,
      CredentialBroker<R> broker,
      Scheduler scheduler,
      Duration stsWait,
      PodClaims.Checks checks,
      Clock clock) {
    this.directory = directory;
    this.decider = decider;
    this.broker = broker;
    this.scheduler = scheduler;
    this.stsWait = stsWait;
    this.checks = checks;
    this.clock = clock;
  }

  @Override
  public CompletionStage<RoleOutcome> role(InetAddress caller) {
    return directory.findByIp(caller).thenApply(this::decide);
  }

  @Override
  public CompletionStage<CredentialOutcome<R>> credentials(InetAddress caller) {
    return role(caller).thenCompose(this::fetchIfPermitted);
  }

  @Override
  public CompletionStage<CredentialOutcome<R>> credentials(PodClaim claim, InetAddress caller) {
    return tokenRole(claim, caller).thenCompose(this::fetchIfPermitted);
  }

  private CompletionStage<RoleOutcome> tokenRole(PodClaim claim, InetAddress caller) {
    Optional<RoleOutcome> elsewhere = PodClaims.otherNode(claim, checks.node());
    if (elsewhere.isPresent()) {
      return CompletableFuture.completedFuture(elsewhere.get());
    }
    if (checks.checkAddress()) {
      return role(caller)
          .thenApply(outcome -> PodClaims.confirmByAddress(claim, caller, outcome, checks.node()));
    }
    return directory
        .findByUid(claim.uid())
        .thenApply(
            found ->
                found
                    .map(
                        pod ->
                            PodClaims.refuseFound(claim, pod, clock.instant(), checks.node())
                                .orElseGet(
                                    () ->
                                        decider.decide(
                                            pod, directory.namespacePolicy(pod.namespace()))))
                    .orElseGet(() -> PodClaims.unknown(claim)));
  }

  private CompletionStage<CredentialOutcome<R>> fetchIfPermitted(RoleOutcome outcome) {
    return outcome instanceof RoleOutcome.Permitted permitted
        ? fetch(permitted)
        : CompletableFuture.completedFuture(new CredentialOutcome.NotIssued<>(outcome));
  }

  private RoleOutcome decide(PodLookup lookup) {
    return switch (lookup) {
      case PodLookup.Found found ->
          decider.decide(found.pod(), directory.namespacePolicy(found.pod().namespace()));
      default -> CallerReasons.withoutPod(lookup);
    };
  }

  private CompletionStage<CredentialOutcome<R>> fetch(RoleOutcome.Permitted permitted) {
    Optional<CachedCredentials<R>> cached = broker.cached(permitted.request());
    if (cached.isPresent()) {
      return CompletableFuture.completedFuture(
          new CredentialOutcome.Issued<>(permitted, cached.get()));
    }
    CompletableFuture<CredentialOutcome<R>> answer =
        broker
            .credentials(permitted.request())
            .handle((credentials, failure) -> issuedOrFailed(permitted, credentials, failure));
    Scheduler.Cancellable timeout =
        scheduler.schedule(
            stsWait,
            () ->
                answer.complete(
                    new CredentialOutcome.NotIssued<>(
                        new RoleOutcome.Unavailable(
                            "STS has not answered within "
                                + stsWait.toMillis()
                                + " ms; credentials will be ready shortly"))));
    return answer.whenComplete((outcome, failure) -> timeout.cancel());
  }

  private CredentialOutcome<R> issuedOrFailed(
      RoleOutcome.Permitted permitted, CachedCredentials<R> credentials, Throwable failure) {
    if (failure == null) {
      return new CredentialOutcome.Issued<>(permitted, credentials);
    }
    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
    if (cause instanceof StsCallException sts) {
      return new CredentialOutcome.StsFailed<>(permitted, sts);
    }
    return new CredentialOutcome.StsFailed<>(
        permitted, new StsCallException.Unavailable("InternalError", String.valueOf(cause), cause));
  }
}
