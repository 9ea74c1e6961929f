package io.podium.core;

import io.podium.core.pod.PodClaim;
import java.net.InetAddress;
import java.util.concurrent.CompletionStage;

/**
 * What the container-credentials endpoint asks of the core: the credentials of the pod a verified
 * service-account token names, for a caller at an address. The token says who the caller claims to
 * be; the pod source says whether that pod is live, on this node and — unless the check is off —
 * holds the caller's address. Answers are the same outcomes as {@link CallerCredentials}', so that
 * roles, policy, sessions and the broker are shared with the metadata API.
 *
 * @param <R> the adapter's rendered form of credentials
 */
public interface TokenCallerCredentials<R> {

  /** The credentials of {@code claim}'s pod for a caller at {@code caller}. */
  CompletionStage<CredentialOutcome<R>> credentials(PodClaim claim, InetAddress caller);
}
