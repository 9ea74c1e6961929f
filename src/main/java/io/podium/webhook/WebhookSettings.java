package io.podium.webhook;

import io.podium.core.role.RoleBaseArn;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@code podium webhook} mutates pods, from its flags; the defaults are the upstream webhook's.
 *
 * @param annotationPrefix the domain of the annotations read ({@code --annotation-prefix})
 * @param tokenAudience the token's audience unless the account names one ({@code --token-audience})
 * @param tokenExpirationSeconds the token's lifetime unless an annotation says otherwise ({@code
 *     --token-expiration}); clamped to {@link #MIN_TOKEN_EXPIRATION}..{@link #MAX_TOKEN_EXPIRATION}
 * @param region {@code AWS_DEFAULT_REGION} and {@code AWS_REGION} for containers that set neither
 *     ({@code --aws-default-region})
 * @param regionalSts {@code AWS_STS_REGIONAL_ENDPOINTS=regional} unless the account says otherwise
 *     ({@code --sts-regional-endpoint})
 * @param roleBaseArn what a role annotation that is a bare name means ({@code --role-base-arn}),
 *     and what bare names in namespace policies mean
 */
public record WebhookSettings(
    String annotationPrefix,
    String tokenAudience,
    long tokenExpirationSeconds,
    Optional<String> region,
    boolean regionalSts,
    Optional<RoleBaseArn> roleBaseArn) {

  public static final String DEFAULT_ANNOTATION_PREFIX = "eks.amazonaws.com";
  public static final String DEFAULT_TOKEN_AUDIENCE = "sts.amazonaws.com";

  /** A day: EKS's longest, and upstream's default. */
  public static final long DEFAULT_TOKEN_EXPIRATION = 86_400;

  /** kube-apiserver's shortest projected token. */
  public static final long MIN_TOKEN_EXPIRATION = 600;

  public static final long MAX_TOKEN_EXPIRATION = 86_400;

  public WebhookSettings {
    Objects.requireNonNull(annotationPrefix, "annotationPrefix");
    Objects.requireNonNull(tokenAudience, "tokenAudience");
    if (annotationPrefix.isBlank() || annotationPrefix.contains("/")) {
      throw new IllegalArgumentException(
          "the annotation prefix must be a DNS domain such as eks.amazonaws.com, got '"
              + annotationPrefix
              + "'");
    }
    if (tokenAudience.isBlank()) {
      throw new IllegalArgumentException("the token audience must not be empty");
    }
    tokenExpirationSeconds = clampExpiration(tokenExpirationSeconds);
    region = region.map(String::strip).filter(r -> !r.isEmpty());
  }

  /** The upstream webhook's defaults: no region, no regional STS variable, no base ARN. */
  public static WebhookSettings defaults() {
    return new WebhookSettings(
        DEFAULT_ANNOTATION_PREFIX,
        DEFAULT_TOKEN_AUDIENCE,
        DEFAULT_TOKEN_EXPIRATION,
        Optional.empty(),
        false,
        Optional.empty());
  }

  public WebhookSettings withRegion(String value) {
    return new WebhookSettings(
        annotationPrefix,
        tokenAudience,
        tokenExpirationSeconds,
        Optional.ofNullable(value),
        regionalSts,
        roleBaseArn);
  }

  public WebhookSettings withRegionalSts(boolean value) {
    return new WebhookSettings(
        annotationPrefix, tokenAudience, tokenExpirationSeconds, region, value, roleBaseArn);
  }

  public WebhookSettings withTokenExpiration(long seconds) {
    return new WebhookSettings(
        annotationPrefix, tokenAudience, seconds, region, regionalSts, roleBaseArn);
  }

  public WebhookSettings withRoleBaseArn(RoleBaseArn base) {
    return new WebhookSettings(
        annotationPrefix,
        tokenAudience,
        tokenExpirationSeconds,
        region,
        regionalSts,
        Optional.of(base));
  }

  /** {@code <prefix>/<name>}, e.g. {@code eks.amazonaws.com/role-arn}. */
  String annotation(String name) {
    return annotationPrefix + "/" + name;
  }

  /** Within what kube-apiserver and STS accept: 600 s to a day. */
  static long clampExpiration(long seconds) {
    return Math.max(MIN_TOKEN_EXPIRATION, Math.min(MAX_TOKEN_EXPIRATION, seconds));
  }
}
