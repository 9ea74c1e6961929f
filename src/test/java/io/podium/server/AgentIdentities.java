package io.podium.server;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * For benchmarks outside this package: the agent identity that {@link AgentAuthentication} would
 * establish, set by hand. Authentication itself (mutual TLS, tokens) is tested over real sockets
 * elsewhere; simulations and in-process scale runs only need the service to know the caller's node.
 */
public final class AgentIdentities {

  /** The header that carries the node an in-process client is the agent of. */
  public static final Metadata.Key<String> NODE_HEADER =
      Metadata.Key.of("test-node", Metadata.ASCII_STRING_MARSHALLER);

  private AgentIdentities() {}

  /** Runs {@code call} as a call of the agent of {@code node}, e.g. the service's watch. */
  public static void runAs(String node, Runnable call) {
    Context.current()
        .withValue(
            AgentIdentity.CONTEXT_KEY, new AgentIdentity(node, AgentIdentity.Method.CERTIFICATE))
        .run(call);
  }

  /** Takes the caller's node from {@link #NODE_HEADER}, for an in-process server. */
  public static ServerInterceptor fromHeader() {
    return new ServerInterceptor() {
      @Override
      public <Q, A> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        AgentIdentity identity =
            new AgentIdentity(headers.get(NODE_HEADER), AgentIdentity.Method.CERTIFICATE);
        return Contexts.interceptCall(
            Context.current().withValue(AgentIdentity.CONTEXT_KEY, identity), call, headers, next);
      }
    };
  }
}
