package io.podium.core;

import io.podium.core.pod.PodClaim;
import java.net.InetAddress;
import java.util.concurrent.CompletionStage;

/**
 * Tells {@link PodProblems} what callers were refused and which STS calls failed them, around any
 * {@link CallerCredentials} (or, through {@link #forTokens}, {@link TokenCallerCredentials}); the
 * answers themselves pass through unchanged. Host addresses and unknown callers are not reported:
 * there is no pod to tell.
 *
 * @param <R> the serving adapter's rendered form of credentials
 */
public final class ReportingCallerCredentials<R> implements CallerCredentials<R> {

  private final CallerCredentials<R> delegate;
  private final PodProblems problems;

  public ReportingCallerCredentials(CallerCredentials<R> delegate, PodProblems problems) {
    this.delegate = delegate;
    this.problems = problems;
  }

  /** The same reporting around the container-credentials endpoint's questions. */
  public static <R> TokenCallerCredentials<R> forTokens(
      TokenCallerCredentials<R> delegate, PodProblems problems) {
    return (PodClaim claim, InetAddress caller) ->
        delegate
            .credentials(claim, caller)
            .whenComplete((outcome, failure) -> report(problems, outcome));
  }

  @Override
  public CompletionStage<RoleOutcome> role(InetAddress caller) {
    return delegate
        .role(caller)
        .whenComplete(
            (outcome, failure) -> {
              if (outcome != null) {
                report(problems, outcome);
              }
            });
  }

  @Override
  public CompletionStage<CredentialOutcome<R>> credentials(InetAddress caller) {
    return delegate
        .credentials(caller)
        .whenComplete((outcome, failure) -> report(problems, outcome));
  }

  private static <R> void report(PodProblems problems, CredentialOutcome<R> outcome) {
    switch (outcome) {
      case null -> {}
      case CredentialOutcome.Issued<R> issued -> {}
      case CredentialOutcome.NotIssued<R> notIssued -> report(problems, notIssued.outcome());
      case CredentialOutcome.StsFailed<R> failed ->
          problems.stsFailed(failed.permitted().pod(), failed.permitted().role(), failed.failure());
    }
  }

  private static void report(PodProblems problems, RoleOutcome outcome) {
    if (outcome instanceof RoleOutcome.Refused refused && refused.pod() != null) {
      problems.roleRefused(refused.pod(), refused);
    }
  }
}
