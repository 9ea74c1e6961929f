package io.podium.stsemulator;

import java.time.Instant;
import java.util.Optional;

/**
 * The claims of a web identity token that STS reports and checks.
 *
 * @param subject the {@code sub} claim
 * @param audience the {@code aud} claim (its first entry when a list)
 * @param issuer the {@code iss} claim, when present
 * @param expiration the {@code exp} claim
 */
record WebIdentityToken(
    String subject, String audience, Optional<String> issuer, Instant expiration) {

  /**
   * The OIDC provider ARN IAM would name for this token's issuer in the role's account: {@code
   * arn:<partition>:iam::<account>:oidc-provider/<issuer without https://>}.
   */
  Optional<String> providerArn(String partition, String accountId) {
    return issuer.map(
        iss ->
            "arn:"
                + partition
                + ":iam::"
                + accountId
                + ":oidc-provider/"
                + (iss.startsWith("https://") ? iss.substring("https://".length()) : iss));
  }
}
