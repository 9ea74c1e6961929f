package io.podium.stsemulator;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a JWT's header and claims for AssumeRoleWithWebIdentity. It requires a JSON header and
 * payload, {@code sub}, {@code aud} and an {@code exp} in the future.
 *
 * <p><b>The signature is not verified</b>: this is the emulator's development mode, used when no
 * {@code --oidc-provider} is registered, so any well-formed token with those claims is accepted.
 * With providers, {@link WebIdentityTokenVerifier} checks tokens as STS does.
 */
final class WebIdentityTokenDecoder implements WebIdentityTokens {

  static final String NOT_A_JWT =
      "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access"
          + " Token)";

  private final JsonMapper json;

  WebIdentityTokenDecoder(JsonMapper json) {
    this.json = json;
  }

  /**
   * The token's claims.
   *
   * @throws StsException InvalidIdentityToken when malformed, ExpiredTokenException when expired
   */
  @Override
  public WebIdentityToken read(String token, Instant now) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      throw invalid(NOT_A_JWT);
    }
    JsonNode header = object(parts[0]);
    if (!header.path("alg").isString()) {
      throw invalid(NOT_A_JWT);
    }
    JsonNode claims = object(parts[1]);
    String subject = claims.path("sub").isString() ? claims.get("sub").stringValue() : "";
    if (subject.isEmpty()) {
      throw invalid("The ID Token provided has no 'sub' claim.");
    }
    String audience = audience(claims.path("aud"));
    if (audience.isEmpty()) {
      throw invalid("The ID Token provided has no 'aud' claim.");
    }
    JsonNode exp = claims.path("exp");
    if (!exp.isNumber()) {
      throw invalid("The ID Token provided has no numeric 'exp' claim.");
    }
    Instant expiration = Instant.ofEpochSecond(exp.asLong());
    if (!now.isBefore(expiration)) {
      throw new StsException(
          StsErrors.expiredTokenException(
              "Token expired: current date/time "
                  + now.getEpochSecond()
                  + " must be before the expiration date/time "
                  + expiration.getEpochSecond()));
    }
    Optional<String> issuer =
        claims.path("iss").isString() && !claims.get("iss").stringValue().isEmpty()
            ? Optional.of(claims.get("iss").stringValue())
            : Optional.empty();
    return new WebIdentityToken(subject, audience, issuer, expiration);
  }

  private JsonNode object(String base64Url) {
    JsonNode node;
    try {
      byte[] bytes = Base64.getUrlDecoder().decode(stripPadding(base64Url));
      node = json.readTree(new String(bytes, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException | JacksonException e) {
      throw invalid(NOT_A_JWT);
    }
    if (node == null || !node.isObject()) {
      throw invalid(NOT_A_JWT);
    }
    return node;
  }

  private static String audience(JsonNode aud) {
    if (aud.isString()) {
      return aud.stringValue();
    }
    if (aud.isArray() && !aud.isEmpty() && aud.get(0).isString()) {
      return aud.get(0).stringValue();
    }
    return "";
  }

  private static String stripPadding(String text) {
    int end = text.length();
    while (end > 0 && text.charAt(end - 1) == '=') {
      end--;
    }
    return text.substring(0, end);
  }

  private static StsException invalid(String message) {
    return new StsException(StsErrors.invalidIdentityToken(message));
  }
}
