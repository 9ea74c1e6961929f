package io.podium.server;

import io.grpc.Context;

/**
 * The node a caller of the agent API is the agent of, as the server established it (never as the
 * agent claims it), and how.
 */
public record AgentIdentity(String node, Method method) {

  /** Where the node came from. */
  public enum Method {
    /** The node URI SAN of the agent's client certificate. */
    CERTIFICATE,
    /** A TokenReview of the agent pod's service-account token, then the pod's node. */
    TOKEN
  }

  /** Where {@link AgentAuthentication} leaves the identity for the service. */
  static final Context.Key<AgentIdentity> CONTEXT_KEY = Context.key("podium.agent-identity");
}
