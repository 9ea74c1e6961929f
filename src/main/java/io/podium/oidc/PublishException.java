package io.podium.oidc;

/** Publishing failed at S3 or IAM; the message says which call and why. */
public final class PublishException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public PublishException(String message, Throwable cause) {
    super(message, cause);
  }
}
