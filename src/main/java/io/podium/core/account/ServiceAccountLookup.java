package io.podium.core.account;

import io.podium.core.role.NamespacePolicy;

/** What a {@link ServiceAccountDirectory} knows of one service account. */
public sealed interface ServiceAccountLookup {

  /** The account exists; {@code policy} is its namespace's (unannotated when none is known). */
  record Found(ServiceAccountView account, NamespacePolicy policy)
      implements ServiceAccountLookup {}

  /** The account does not exist, in the cache nor (when asked) on the API server. */
  record NotFound(String reason) implements ServiceAccountLookup {}

  /** Nobody could say in time: the API server failed or was too slow. */
  record Unavailable(String reason) implements ServiceAccountLookup {}
}
