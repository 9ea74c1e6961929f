package io.podium.webhook;

import io.fabric8.kubernetes.api.model.Pod;
import io.podium.core.account.ServiceAccountDirectory;
import io.podium.core.account.ServiceAccountLookup;
import io.podium.core.account.ServiceAccountProblems;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Answers one admission: finds the pod's service account and namespace policy in the directory
 * (which may read them from the API server, bounded), decides with {@link PodMutation}, tells the
 * account's owner of a role that was not injected, and logs the outcome. Never fails: a lookup that
 * breaks becomes {@link Outcome#SERVICE_ACCOUNT_UNAVAILABLE}.
 */
final class PodAdmission {

  private static final Logger log = LoggerFactory.getLogger(PodAdmission.class);

  private final PodMutation mutation;
  private final ServiceAccountDirectory accounts;
  private final ServiceAccountProblems problems;

  PodAdmission(
      PodMutation mutation, ServiceAccountDirectory accounts, ServiceAccountProblems problems) {
    this.mutation = mutation;
    this.accounts = accounts;
    this.problems = problems;
  }

  CompletionStage<Mutation> admit(AdmissionCodec.Admission admission) {
    if (admission.pod().isEmpty()) {
      return CompletableFuture.completedFuture(
          // An admission without a pod always says why it is ignored.
          Mutation.nothing(Outcome.IGNORED, Objects.requireNonNull(admission.ignored())));
    }
    Pod pod = admission.pod().get();
    String podName = PodMutation.describe(pod, admission.namespace());
    String account = PodMutation.serviceAccountName(pod);
    var skipped = mutation.skipped(pod);
    if (skipped.isPresent()) {
      return CompletableFuture.completedFuture(logged(skipped.get(), admission, podName, account));
    }
    CompletionStage<ServiceAccountLookup> lookup;
    try {
      lookup = accounts.find(admission.namespace(), account);
    } catch (RuntimeException e) {
      lookup = CompletableFuture.failedFuture(e);
    }
    return lookup
        .exceptionally(
            failure ->
                new ServiceAccountLookup.Unavailable(
                    "looking up service account "
                        + admission.namespace()
                        + "/"
                        + account
                        + " failed: "
                        + failure))
        .thenApply(found -> decide(admission, pod, podName, account, found));
  }

  private Mutation decide(
      AdmissionCodec.Admission admission,
      Pod pod,
      String podName,
      String account,
      ServiceAccountLookup lookup) {
    Mutation decided = mutation.mutate(pod, podName, lookup);
    // A dry run must leave no trace beyond its answer.
    if (!admission.dryRun()) {
      decided
          .refusal()
          .ifPresent(
              refusal ->
                  problems.roleRefused(
                      refusal.account(), podName, refusal.kind(), refusal.reason()));
    }
    return logged(decided, admission, podName, account);
  }

  private static Mutation logged(
      Mutation decided, AdmissionCodec.Admission admission, String podName, String account) {
    MDC.put("pod.namespace", admission.namespace());
    MDC.put("pod.name", podName);
    MDC.put("pod.service_account", account);
    try {
      switch (decided.outcome()) {
        case MUTATED -> log.info("Admission {}: {}", admission.uid(), decided.explanation());
        case ROLE_DENIED, ROLE_INVALID, SERVICE_ACCOUNT_UNAVAILABLE ->
            log.warn(
                "Admission {}: pod {} not mutated: {}",
                admission.uid(),
                podName,
                decided.explanation());
        default ->
            log.debug(
                "Admission {}: pod {} not mutated ({}): {}",
                admission.uid(),
                podName,
                decided.outcome().label(),
                decided.explanation());
      }
    } finally {
      MDC.remove("pod.namespace");
      MDC.remove("pod.name");
      MDC.remove("pod.service_account");
    }
    return decided;
  }
}
