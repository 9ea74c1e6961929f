package io.podium.webhook;

/** A request body that is not an AdmissionReview Podium can answer; the message says why (400). */
final class BadAdmissionException extends RuntimeException {
  BadAdmissionException(String reason) {
    super(reason);
  }

  BadAdmissionException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
