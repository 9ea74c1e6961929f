package io.podium.imds;

import java.util.Objects;

/**
 * One session's credentials as the node's endpoints serve them to pods, rendered once per refresh
 * by {@link ImdsRenderer} so that each request only wraps prepared bytes: the metadata API's two
 * documents and the container-credentials endpoint's one.
 *
 * @param credentials the {@code security-credentials/<role>} document
 * @param extended the {@code security-credentials-extended/<role>} document (with {@code
 *     AccountId})
 * @param container the container-credentials document ({@code GET /v1/credentials}, as the EKS Pod
 *     Identity agent answers it)
 */
public record ImdsDocuments(byte[] credentials, byte[] extended, byte[] container) {

  public ImdsDocuments {
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(extended, "extended");
    Objects.requireNonNull(container, "container");
  }

  /** The documents hold the secret key and the session token: never show them. */
  @Override
  public String toString() {
    return "ImdsDocuments["
        + credentials.length
        + ", "
        + extended.length
        + " and "
        + container.length
        + " bytes, redacted]";
  }
}
