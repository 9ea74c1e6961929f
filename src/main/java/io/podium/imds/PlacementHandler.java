package io.podium.imds;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * {@code placement/region} and {@code placement/availability-zone}: answered from configuration
 * ({@code --region}, {@code --availability-zone}) when given, which lets SDKs and the AWS CLI find
 * their region with no upstream at all; otherwise treated as any passthrough path.
 */
final class PlacementHandler implements RouteHandler {

  private final String region;
  private final String availabilityZone;
  private final RouteHandler passthrough;

  PlacementHandler(String region, String availabilityZone, RouteHandler passthrough) {
    this.region = region;
    this.availabilityZone = availabilityZone;
    this.passthrough = passthrough;
  }

  @Override
  public void handle(Exchange exchange) {
    String leaf = Route.withoutTrailingSlash(exchange.path());
    String value = leaf.equals(Route.REGION_PATH) ? region : availabilityZone;
    if (value != null) {
      exchange.respond(HttpResponseStatus.OK, value);
    } else {
      passthrough.handle(exchange);
    }
  }
}
