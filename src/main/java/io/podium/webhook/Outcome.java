package io.podium.webhook;

import java.util.Locale;

/** How one admission request ended; bounded, the {@code outcome} label of the metrics. */
public enum Outcome {
  /** The pod was given the service account's role. */
  MUTATED,
  /** The pod already had everything (a reinvocation, or a pod written for IRSA by hand). */
  UNCHANGED,
  /** The service account names no role: nothing to do. */
  NO_ROLE,
  /** The pod carries a skip label. */
  SKIPPED,
  /** The namespace does not permit the service account's role: not injected, warned. */
  ROLE_DENIED,
  /** The service account's role annotation is not a role ARN: not injected, warned. */
  ROLE_INVALID,
  /** The pod's service account does not exist. */
  NO_SERVICE_ACCOUNT,
  /** The service account could not be read in time: not injected, warned. */
  SERVICE_ACCOUNT_UNAVAILABLE,
  /** Not a pod being created (another kind or operation): allowed as it is. */
  IGNORED;

  /** The metric label: the name in lower case. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
