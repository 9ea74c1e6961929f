package io.podium.containercredentials;

/** Why a well-formed token was refused; bounded, fit for a metric label. */
enum TokenRefusal {
  ALGORITHM("bad_algorithm"),
  UNKNOWN_KEY("unknown_key"),
  SIGNATURE("bad_signature"),
  ISSUER("wrong_issuer"),
  AUDIENCE("wrong_audience"),
  EXPIRED("expired"),
  NOT_YET_VALID("not_yet_valid"),
  NOT_POD_BOUND("not_pod_bound");

  private final String label;

  TokenRefusal(String label) {
    this.label = label;
  }

  String label() {
    return label;
  }
}
