package io.podium.webhook;

import io.podium.core.account.ServiceAccountProblems;
import io.podium.core.account.ServiceAccountView;
import java.util.List;
import java.util.Optional;

/**
 * What the webhook decided for one pod: the patch (empty when nothing changes), the warnings the
 * API server passes on to whoever created the pod, and why.
 *
 * @param explanation one sentence for the log
 * @param refusal set when a role was not injected for a reason the account's owner must fix
 */
public record Mutation(
    Outcome outcome,
    List<PatchOperation> patch,
    List<String> warnings,
    String explanation,
    Optional<Refusal> refusal) {

  public Mutation {
    patch = List.copyOf(patch);
    warnings = List.copyOf(warnings);
  }

  /** A role the webhook did not inject, and whose account to tell. */
  public record Refusal(
      ServiceAccountView account, ServiceAccountProblems.Refusal kind, String reason) {}

  static Mutation nothing(Outcome outcome, String explanation) {
    return new Mutation(outcome, List.of(), List.of(), explanation, Optional.empty());
  }

  static Mutation warned(Outcome outcome, String explanation, List<String> warnings) {
    return new Mutation(outcome, List.of(), warnings, explanation, Optional.empty());
  }
}
