package io.podium.stsemulator;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/** Hand-built, unsigned JWTs for AssumeRoleWithWebIdentity tests. */
final class Jwts {

  private Jwts() {}

  static String token(String subject, String audience, Instant expiration) {
    return token(
        "{\"iss\":\"https://oidc.example.test/cluster\",\"sub\":\""
            + subject
            + "\",\"aud\":[\""
            + audience
            + "\"],\"exp\":"
            + expiration.getEpochSecond()
            + "}");
  }

  static String token(String claimsJson) {
    Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
    return encoder.encodeToString(
            "{\"alg\":\"RS256\",\"kid\":\"test\"}".getBytes(StandardCharsets.UTF_8))
        + "."
        + encoder.encodeToString(claimsJson.getBytes(StandardCharsets.UTF_8))
        + "."
        + encoder.encodeToString("not-a-real-signature".getBytes(StandardCharsets.UTF_8));
  }
}
