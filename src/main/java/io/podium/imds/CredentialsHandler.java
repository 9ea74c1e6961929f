package io.podium.imds;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.podium.core.CallerCredentials;
import io.podium.core.CredentialOutcome;
import io.podium.core.RoleOutcome;
import io.podium.core.broker.CachedCredentials;
import io.podium.core.broker.StsCallException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code iam/security-credentials/<role>} and {@code iam/security-credentials-extended/<role>}: the
 * caller's credentials as prepared bytes, an audit record the first time a credential reaches a
 * pod. A name other than the caller's role is 404, as EC2 answers for a role the instance does not
 * have.
 */
final class CredentialsHandler implements RouteHandler {

  private static final Logger log = LoggerFactory.getLogger(CredentialsHandler.class);

  private final CallerCredentials<ImdsDocuments> callers;
  private final AuditLog audit;
  private final MetadataMetrics metrics;
  private final Clock clock;

  CredentialsHandler(
      CallerCredentials<ImdsDocuments> callers,
      AuditLog audit,
      MetadataMetrics metrics,
      Clock clock) {
    this.callers = callers;
    this.audit = audit;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public void handle(Exchange exchange) {
    String requested = Route.requestedRoleName(exchange.path());
    exchange.await(
        callers.credentials(exchange.caller()),
        (outcome, error) -> {
          if (error != null) {
            exchange.fail(error);
            return;
          }
          switch (outcome) {
            case CredentialOutcome.Issued<ImdsDocuments> issued ->
                serve(exchange, requested, issued.permitted(), issued.credentials());
            case CredentialOutcome.NotIssued<ImdsDocuments> notIssued ->
                exchange.refuse(notIssued.outcome());
            case CredentialOutcome.StsFailed<ImdsDocuments> failed ->
                stsFailed(exchange, failed.permitted(), failed.failure());
          }
        });
  }

  private void serve(
      Exchange exchange,
      String requested,
      RoleOutcome.Permitted permitted,
      CachedCredentials<ImdsDocuments> credentials) {
    if (!permitted.role().name().equals(requested)) {
      try (LogContext _ = LogContext.of(permitted.pod()).role(permitted.role())) {
        exchange.reject(
            HttpResponseStatus.NOT_FOUND,
            Rejection.WRONG_ROLE_NAME,
            "pod "
                + permitted.pod().qualifiedName()
                + " asked for role '"
                + MetadataPaths.forLog(requested)
                + "' but its role is "
                + permitted.role().name());
      }
      return;
    }
    ImdsDocuments documents = credentials.rendered();
    byte[] body =
        exchange.route() == Route.CREDENTIALS_EXTENDED
            ? documents.extended()
            : documents.credentials();
    exchange.send(
        Exchange.response(HttpResponseStatus.OK, Unpooled.wrappedBuffer(body)),
        written -> {
          if (written.isSuccess()) {
            audit.handedOut(permitted, credentials, exchange.route());
            Instant now = clock.instant();
            metrics.credentialsServed(
                Duration.between(credentials.obtainedAt(), now), credentials.remainingAt(now));
          }
        });
  }

  private static void stsFailed(
      Exchange exchange, RoleOutcome.Permitted permitted, StsCallException failure) {
    // A denial is final (403, as EC2 answers for a role it cannot assume); anything else may pass.
    HttpResponseStatus status =
        failure.retryable() ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.FORBIDDEN;
    try (LogContext _ = LogContext.of(permitted.pod()).role(permitted.role())) {
      log.warn(
          "No credentials of role {} for pod {} at {}: STS answered {} ({}); responding {}",
          permitted.role(),
          permitted.pod().qualifiedName(),
          exchange.callerForLog(),
          failure.errorCode(),
          failure.getMessage(),
          status.code());
    }
    exchange.respond(
        status, "AssumeRole of " + permitted.role() + " failed: " + failure.errorCode());
  }
}
