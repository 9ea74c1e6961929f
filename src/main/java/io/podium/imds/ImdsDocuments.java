package io.podium.imds;

import java.util.Objects;

/**
 * One session's credentials as the metadata API serves them, rendered once per refresh by {@link
 * ImdsRenderer} so that each request only wraps prepared bytes.
 *
 * @param credentials the {@code security-credentials/<role>} document
 * @param extended the {@code security-credentials-extended/<role>} document (with {@code
 *     AccountId})
 */
public record ImdsDocuments(byte[] credentials, byte[] extended) {

  public ImdsDocuments {
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(extended, "extended");
  }

  /** The documents hold the secret key and the session token: never show them. */
  @Override
  public String toString() {
    return "ImdsDocuments[" + credentials.length + " and " + extended.length + " bytes, redacted]";
  }
}
