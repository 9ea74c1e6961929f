package io.podium.core.broker;

import java.util.Objects;

/**
 * What one successful AssumeRole returns.
 *
 * @param assumedRoleArn the session's ARN, {@code
 *     arn:aws:sts::<account>:assumed-role/<role>/<session>}
 */
public record IssuedCredentials(Credentials credentials, String assumedRoleArn) {
  public IssuedCredentials {
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(assumedRoleArn, "assumedRoleArn");
  }
}
