package io.podium.oidc;

/** An issuer URL that IAM would refuse, with the reason and what to write instead. */
public final class InvalidIssuerException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  InvalidIssuerException(String message) {
    super(message);
  }
}
