package io.podium.stsemulator;

import java.util.Objects;

/**
 * An STS error as the query protocol reports it: the HTTP status, the error {@code Code} the SDKs
 * branch on, and a message for people. The factories use the codes, statuses and (where AWS has a
 * fixed wording) the messages that real STS answers with.
 *
 * @param status the HTTP status code, 400 to 599
 * @param code the AWS error code, e.g. {@code AccessDenied}
 * @param message the human-readable message
 */
public record StsError(int status, String code, String message) {

  public StsError {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("an STS error needs a 4xx or 5xx status, got " + status);
    }
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
    if (code.isBlank()) {
      throw new IllegalArgumentException("code must not be blank");
    }
  }

  /** {@code Sender} for client errors, {@code Receiver} for server errors, as AWS reports them. */
  public String type() {
    return status < 500 ? "Sender" : "Receiver";
  }

  /** 400 {@code Throttling}: what STS answers when a caller exceeds its request rate. */
  public static StsError throttling() {
    return new StsError(400, "Throttling", "Rate exceeded");
  }

  /** 500 {@code InternalFailure}. */
  public static StsError internalFailure() {
    return new StsError(
        500,
        "InternalFailure",
        "The request processing has failed because of an unknown error, exception or failure.");
  }

  /** 503 {@code ServiceUnavailable}. */
  public static StsError serviceUnavailable() {
    return new StsError(
        503,
        "ServiceUnavailable",
        "The request has failed due to a temporary failure of the server.");
  }

  /** 403 {@code AccessDenied} with the given explanation. */
  public static StsError accessDenied(String message) {
    return new StsError(403, "AccessDenied", message);
  }

  /** 400 {@code ValidationError} with the given explanation. */
  public static StsError validation(String message) {
    return new StsError(400, "ValidationError", message);
  }

  /**
   * One of the errors that fault injection can force, by its AWS code: {@code Throttling}, {@code
   * InternalFailure}, {@code ServiceUnavailable}, {@code AccessDenied}, {@code ExpiredToken},
   * {@code InvalidClientTokenId}, {@code SignatureDoesNotMatch}.
   *
   * @throws IllegalArgumentException for any other code, listing the known ones
   */
  public static StsError forCode(String code) {
    return switch (code) {
      case "Throttling" -> throttling();
      case "InternalFailure" -> internalFailure();
      case "ServiceUnavailable" -> serviceUnavailable();
      case "AccessDenied" -> accessDenied("Access denied (injected fault).");
      case "ExpiredToken" -> StsErrors.expiredToken();
      case "InvalidClientTokenId" -> StsErrors.invalidClientTokenId();
      case "SignatureDoesNotMatch" -> StsErrors.signatureDoesNotMatch();
      default ->
          throw new IllegalArgumentException(
              "unknown STS error code '"
                  + code
                  + "' (known: Throttling, InternalFailure, ServiceUnavailable, AccessDenied,"
                  + " ExpiredToken, InvalidClientTokenId, SignatureDoesNotMatch)");
    };
  }
}
