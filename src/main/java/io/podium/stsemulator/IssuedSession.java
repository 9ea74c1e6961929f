package io.podium.stsemulator;

import io.podium.core.role.RoleArn;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A session the emulator issued: its credentials and who it is. {@link #toString()} hides the
 * secret access key and the session token.
 *
 * @param accessKeyId {@code ASIA…}
 * @param secretAccessKey the signing secret
 * @param sessionToken the token callers send as {@code X-Amz-Security-Token}
 * @param role the assumed role
 * @param sessionName the RoleSessionName
 * @param expiration when the credentials stop working
 * @param chained whether the session was obtained with another session's credentials
 * @param sourceIdentity the SourceIdentity set on the session, kept through role chaining
 */
record IssuedSession(
    String accessKeyId,
    String secretAccessKey,
    String sessionToken,
    RoleArn role,
    String sessionName,
    Instant expiration,
    boolean chained,
    Optional<String> sourceIdentity) {

  IssuedSession {
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    Objects.requireNonNull(sessionToken, "sessionToken");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(sessionName, "sessionName");
    Objects.requireNonNull(expiration, "expiration");
    Objects.requireNonNull(sourceIdentity, "sourceIdentity");
  }

  /** {@code arn:<partition>:sts::<account>:assumed-role/<role name>/<session>}, path left out. */
  String assumedRoleArn() {
    return "arn:"
        + role.partition()
        + ":sts::"
        + role.accountId()
        + ":assumed-role/"
        + role.name()
        + "/"
        + sessionName;
  }

  /** {@code AROA…:<session>}, the caller's UserId. */
  String assumedRoleId() {
    return StsIds.roleId(role.toString()) + ":" + sessionName;
  }

  boolean expiredAt(Instant now) {
    return !now.isBefore(expiration);
  }

  @Override
  public String toString() {
    return "IssuedSession[accessKeyId="
        + accessKeyId
        + ", arn="
        + assumedRoleArn()
        + ", expiration="
        + expiration
        + ", chained="
        + chained
        + "]";
  }
}
