package io.podium.stsemulator;

import io.podium.core.role.RoleArn;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A role the emulator lets callers assume, with the parts of IAM's role settings and trust policy
 * that the emulator checks.
 *
 * @param arn the role
 * @param maxSessionDuration the role's maximum session duration, one to twelve hours (IAM's range);
 *     AssumeRole asking for more is a ValidationError
 * @param externalId when present, AssumeRole must pass exactly this ExternalId
 * @param trustedPrincipals when present, only these principal ARNs may assume the role: an IAM user
 *     ARN, a role ARN (matching every session of that role, as a trust policy does), an
 *     assumed-role session ARN, or for AssumeRoleWithWebIdentity the OIDC provider ARN {@code
 *     arn:aws:iam::<account>:oidc-provider/<issuer without https://>}
 * @param trustConditions conditions AssumeRoleWithWebIdentity must meet, as a trust policy's {@code
 *     Condition} block on {@code <issuer without https://>:sub} and {@code :aud}
 */
public record RoleDefinition(
    RoleArn arn,
    Duration maxSessionDuration,
    Optional<String> externalId,
    Optional<Set<String>> trustedPrincipals,
    TrustConditions trustConditions) {

  /** IAM's default maximum session duration. */
  public static final Duration DEFAULT_MAX_SESSION_DURATION = Duration.ofHours(1);

  static final Duration SHORTEST_MAX_SESSION_DURATION = Duration.ofHours(1);
  static final Duration LONGEST_MAX_SESSION_DURATION = Duration.ofHours(12);

  public RoleDefinition {
    Objects.requireNonNull(arn, "arn");
    Objects.requireNonNull(maxSessionDuration, "maxSessionDuration");
    Objects.requireNonNull(externalId, "externalId");
    Objects.requireNonNull(trustedPrincipals, "trustedPrincipals");
    Objects.requireNonNull(trustConditions, "trustConditions");
    if (maxSessionDuration.compareTo(SHORTEST_MAX_SESSION_DURATION) < 0
        || maxSessionDuration.compareTo(LONGEST_MAX_SESSION_DURATION) > 0
        || maxSessionDuration.toMillis() % 1000 != 0) {
      throw new IllegalArgumentException(
          "maxSessionDuration must be whole seconds between 3600 and 43200, got "
              + maxSessionDuration.toMillis() / 1000.0);
    }
    trustedPrincipals = trustedPrincipals.map(Set::copyOf);
  }

  /** A role anyone may assume, with IAM's default one-hour maximum and no external id. */
  public static RoleDefinition of(String arn) {
    return new RoleDefinition(
        RoleArn.parse(arn),
        DEFAULT_MAX_SESSION_DURATION,
        Optional.empty(),
        Optional.empty(),
        TrustConditions.NONE);
  }

  /** This role with another maximum session duration. */
  public RoleDefinition withMaxSessionDuration(Duration duration) {
    return new RoleDefinition(arn, duration, externalId, trustedPrincipals, trustConditions);
  }

  /** This role requiring the given external id. */
  public RoleDefinition withExternalId(String required) {
    return new RoleDefinition(
        arn, maxSessionDuration, Optional.of(required), trustedPrincipals, trustConditions);
  }

  /** This role trusting only the given principal ARNs. */
  public RoleDefinition trusting(String... principalArns) {
    return new RoleDefinition(
        arn,
        maxSessionDuration,
        externalId,
        Optional.of(Set.copyOf(Arrays.asList(principalArns))),
        trustConditions);
  }

  /** This role requiring {@code conditions} of AssumeRoleWithWebIdentity callers. */
  public RoleDefinition withConditions(TrustConditions conditions) {
    return new RoleDefinition(arn, maxSessionDuration, externalId, trustedPrincipals, conditions);
  }
}
