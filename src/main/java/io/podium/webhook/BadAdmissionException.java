package io.podium.webhook;

/** A request body that is not an AdmissionReview Podium can answer; the message says why (400). */
final class BadAdmissionException extends RuntimeException {
  private final String reason;

  BadAdmissionException(String reason) {
    super(reason);
    this.reason = reason;
  }

  BadAdmissionException(String reason, Throwable cause) {
    super(reason, cause);
    this.reason = reason;
  }

  /** Never null, unlike the message of an exception in general. */
  @Override
  public String getMessage() {
    return reason;
  }
}
