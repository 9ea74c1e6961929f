package io.podium.imds;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.podium.core.CallerCredentials;
import io.podium.core.RoleOutcome;

/**
 * {@code iam/}: the listing EC2 shows when an instance profile is attached, here when the caller's
 * pod has a role (else the role decision's 404, 403 or 503).
 */
final class IamListHandler implements RouteHandler {

  static final String LISTING = "info\nsecurity-credentials/";

  private final CallerCredentials<ImdsDocuments> callers;

  IamListHandler(CallerCredentials<ImdsDocuments> callers) {
    this.callers = callers;
  }

  @Override
  public void handle(Exchange exchange) {
    exchange.await(
        callers.role(exchange.caller()),
        (outcome, error) -> {
          if (error != null) {
            exchange.fail(error);
          } else if (outcome instanceof RoleOutcome.Permitted) {
            exchange.respond(HttpResponseStatus.OK, LISTING);
          } else {
            exchange.refuse(outcome);
          }
        });
  }
}
