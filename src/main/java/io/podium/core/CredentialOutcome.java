package io.podium.core;

import io.podium.core.broker.CachedCredentials;
import io.podium.core.broker.StsCallException;

/**
 * The answer to a caller asking for credentials.
 *
 * @param <R> the serving adapter's rendered form of credentials
 */
public sealed interface CredentialOutcome<R> {

  /** Credentials for the permitted role (200). */
  record Issued<R>(RoleOutcome.Permitted permitted, CachedCredentials<R> credentials)
      implements CredentialOutcome<R> {}

  /** No credentials, for the reason the role decision gives (404, 403 or 503). */
  record NotIssued<R>(RoleOutcome outcome) implements CredentialOutcome<R> {}

  /**
   * The role was permitted but STS gave nothing usable and nothing valid is cached: 403 for a final
   * refusal (AccessDenied, an invalid request), 503 for a transient failure.
   */
  record StsFailed<R>(RoleOutcome.Permitted permitted, StsCallException failure)
      implements CredentialOutcome<R> {}
}
