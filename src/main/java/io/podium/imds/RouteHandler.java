package io.podium.imds;

/** Answers the requests of one route; the router has checked method, path and token already. */
interface RouteHandler {
  void handle(Exchange exchange);
}
