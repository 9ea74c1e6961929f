package io.podium.imds;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.podium.core.CallerCredentials;
import io.podium.core.RoleOutcome;

/**
 * {@code iam/security-credentials/} (and its {@code -extended} twin): the caller's role name, as
 * EC2 lists an instance profile's role. Decided without calling STS.
 */
final class RoleListHandler implements RouteHandler {

  private final CallerCredentials<ImdsDocuments> callers;

  RoleListHandler(CallerCredentials<ImdsDocuments> callers) {
    this.callers = callers;
  }

  @Override
  public void handle(Exchange exchange) {
    exchange.await(
        callers.role(exchange.caller()),
        (outcome, error) -> {
          if (error != null) {
            exchange.fail(error);
          } else if (outcome instanceof RoleOutcome.Permitted permitted) {
            exchange.respond(HttpResponseStatus.OK, permitted.role().name());
          } else {
            exchange.refuse(outcome);
          }
        });
  }
}
