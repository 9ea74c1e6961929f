package io.podium.imds;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;

/**
 * {@code PUT /latest/api/token}: issues an IMDSv2 session token bound to the caller's address. As
 * on EC2, the TTL header must be 1 to 21600 seconds (else 400), and a request carrying {@code
 * X-Forwarded-For} is refused (403): it has passed through a proxy, which the token's hop limit on
 * EC2 exists to stop.
 */
final class TokenHandler implements RouteHandler {

  private static final String FORWARDED_FOR = "X-Forwarded-For";

  private final ImdsTokens tokens;
  private final boolean disabled;

  TokenHandler(ImdsTokens tokens, boolean disabled) {
    this.tokens = tokens;
    this.disabled = disabled;
  }

  @Override
  public void handle(Exchange exchange) {
    if (disabled) {
      // 403 makes every SDK fall back to IMDSv1.
      exchange.reject(
          HttpResponseStatus.FORBIDDEN,
          Rejection.TOKENS_DISABLED,
          "IMDSv2 tokens are disabled on this server");
      return;
    }
    if (exchange.headers().contains(FORWARDED_FOR)) {
      exchange.reject(
          HttpResponseStatus.FORBIDDEN,
          Rejection.FORWARDED_TOKEN_REQUEST,
          "token request carries X-Forwarded-For");
      return;
    }
    List<String> values = exchange.headers().getAll(Exchange.TOKEN_TTL);
    if (values.size() != 1) {
      exchange.reject(
          HttpResponseStatus.BAD_REQUEST,
          Rejection.BAD_TOKEN_TTL,
          values.isEmpty()
              ? "token request without X-aws-ec2-metadata-token-ttl-seconds"
              : "token request with " + values.size() + " TTL headers");
      return;
    }
    int ttl = parseTtl(values.getFirst());
    if (ttl < 0) {
      exchange.reject(
          HttpResponseStatus.BAD_REQUEST,
          Rejection.BAD_TOKEN_TTL,
          "token TTL '"
              + MetadataPaths.forLog(values.getFirst())
              + "' is not a whole number of seconds in 1.."
              + ImdsTokens.MAX_TTL_SECONDS);
      return;
    }
    FullHttpResponse response =
        Exchange.response(HttpResponseStatus.OK, tokens.issue(exchange.caller(), ttl));
    response.headers().setInt(Exchange.TOKEN_TTL, ttl);
    exchange.send(response, null);
  }

  /** The TTL in seconds, or -1 unless it is 1 to 6 digits in range. */
  static int parseTtl(String value) {
    String text = value.strip();
    if (text.isEmpty() || text.length() > 6) {
      return -1;
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return -1;
      }
    }
    int seconds = Integer.parseInt(text);
    return seconds >= 1 && seconds <= ImdsTokens.MAX_TTL_SECONDS ? seconds : -1;
  }
}
