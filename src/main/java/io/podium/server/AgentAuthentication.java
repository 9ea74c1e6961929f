package io.podium.server;

import com.google.rpc.Code;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.podium.tls.CertificateText;
import io.podium.wire.ErrorDetails;
import io.podium.wire.v1.ErrorReason;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Establishes which node each call of the agent API comes from, before the service sees it: the
 * verified client certificate (mutual TLS already refused callers without one) and the bearer token
 * go to the {@link NodeAuthenticator}; refusals end the call with UNAUTHENTICATED.
 */
final class AgentAuthentication implements ServerInterceptor {

  private static final Logger log = LoggerFactory.getLogger(AgentAuthentication.class);

  /** The caller in words (address and certificate), for the service's refusals. */
  static final io.grpc.Context.Key<String> CALLER = io.grpc.Context.key("podium.agent-caller");

  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final NodeAuthenticator authenticator;

  AgentAuthentication(NodeAuthenticator authenticator) {
    this.authenticator = authenticator;
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
    Optional<X509Certificate> certificate = clientCertificate(call);
    NodeAuthenticator.Result result =
        certificate.isEmpty()
            ? new NodeAuthenticator.Result.Refused("no verified client certificate")
            : authenticator.authenticate(certificate.get(), bearerToken(headers));
    return switch (result) {
      case NodeAuthenticator.Result.Authenticated(AgentIdentity identity) ->
          Contexts.interceptCall(
              io.grpc.Context.current()
                  .withValues(
                      AgentIdentity.CONTEXT_KEY,
                      identity,
                      CALLER,
                      call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)
                          + " with certificate "
                          + CertificateText.describe(certificate.orElseThrow())),
              call,
              headers,
              next);
      case NodeAuthenticator.Result.Refused(String reason) -> {
        log.warn(
            "Refused {} from {}: {}",
            call.getMethodDescriptor().getBareMethodName(),
            call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR),
            reason);
        StatusRuntimeException refusal =
            ErrorDetails.error(
                Code.UNAUTHENTICATED,
                ErrorReason.ERROR_REASON_UNAUTHENTICATED,
                "not an agent: " + reason);
        call.close(refusal.getStatus(), trailers(refusal));
        yield new ServerCall.Listener<>() {};
      }
    };
  }

  private static Metadata trailers(StatusRuntimeException e) {
    Metadata trailers = e.getTrailers();
    return trailers == null ? new Metadata() : trailers;
  }

  private static Optional<X509Certificate> clientCertificate(ServerCall<?, ?> call) {
    SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    if (session == null) {
      return Optional.empty();
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate x509
          ? Optional.of(x509)
          : Optional.empty();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> bearerToken(Metadata headers) {
    String value = headers.get(AUTHORIZATION);
    if (value == null || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    String token = value.substring(7).strip();
    return token.isEmpty() ? Optional.empty() : Optional.of(token);
  }
}
