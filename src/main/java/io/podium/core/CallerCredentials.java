package io.podium.core;

import java.net.InetAddress;
import java.util.concurrent.CompletionStage;

/**
 * What a serving adapter (the metadata API, later the container-credentials endpoint) asks of the
 * core: the role and the credentials of whoever calls from an IP. The caller's identity is the TCP
 * peer address and nothing else.
 *
 * @param <R> the adapter's rendered form of credentials
 */
public interface CallerCredentials<R> {

  /** The caller's role, without calling STS (for listings and {@code iam/info}). */
  CompletionStage<RoleOutcome> role(InetAddress caller);

  /** The caller's credentials; completes when they are cached or after one STS call. */
  CompletionStage<CredentialOutcome<R>> credentials(InetAddress caller);
}
