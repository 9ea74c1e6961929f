package io.podium.core;

/**
 * The port that turns an agent's service-account token into the node it runs on, in a cluster: the
 * API server vouches for the token, and the token's pod (bound tokens name it) says its node. The
 * agent cannot forge either.
 */
public interface AgentTokens {

  /** Verifies {@code token}; may block briefly (a TokenReview and a pod read). */
  Verdict verify(String token);

  /** What a token proves. */
  sealed interface Verdict {

    /** The token is a live agent pod's, scheduled on {@code node}. */
    record Node(String node, String namespace, String pod) implements Verdict {}

    /** Not an agent's token; {@code reason} is safe to log (it never holds the token). */
    record Refused(String reason) implements Verdict {}
  }
}
