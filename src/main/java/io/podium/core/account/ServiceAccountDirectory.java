package io.podium.core.account;

import java.util.concurrent.CompletionStage;

/**
 * The port that answers "what does this service account say, and what does its namespace permit",
 * fed by a pods file or by Kubernetes informers. Used by the admission webhook, which must answer
 * the API server within its timeout.
 */
public interface ServiceAccountDirectory {

  /**
   * Finds {@code namespace/name} and its namespace's policy. An account the cache does not hold yet
   * may be read from its source, bounded in time; the stage never fails, it completes with {@link
   * ServiceAccountLookup.Unavailable} instead.
   */
  CompletionStage<ServiceAccountLookup> find(String namespace, String name);
}
