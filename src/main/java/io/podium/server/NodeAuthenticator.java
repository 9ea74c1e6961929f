package io.podium.server;

import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * Decides which node a caller of the agent API is the agent of, from what it cannot forge: its
 * verified client certificate, and the service-account token it sends. Called off the event loop;
 * may block briefly (a TokenReview).
 */
public interface NodeAuthenticator {

  /**
   * @param certificate the caller's verified client certificate
   * @param bearerToken the {@code authorization: Bearer} token it sent, if any
   */
  Result authenticate(X509Certificate certificate, Optional<String> bearerToken);

  /** The decision. */
  sealed interface Result {
    record Authenticated(AgentIdentity identity) implements Result {}

    /** Not an agent: {@code reason} is logged and returned to the caller. */
    record Refused(String reason) implements Result {}
  }
}
