package io.podium.stsemulator;

import java.util.Optional;
import java.util.OptionalInt;

/** What a successful action answers, rendered to XML by {@link StsXml}. */
sealed interface StsResult {

  /** AssumeRole's answer. */
  record AssumedRole(IssuedSession session, OptionalInt packedPolicySize) implements StsResult {}

  /** AssumeRoleWithWebIdentity's answer. */
  record AssumedRoleWithWebIdentity(
      IssuedSession session,
      String subject,
      String audience,
      Optional<String> provider,
      OptionalInt packedPolicySize)
      implements StsResult {}

  /** GetCallerIdentity's answer. */
  record CallerIdentity(String userId, String account, String arn) implements StsResult {}
}
