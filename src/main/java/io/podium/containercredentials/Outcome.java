package io.podium.containercredentials;

/**
 * How one request to the container-credentials endpoint ended; bounded, fit for a metric label.
 * Each has one HTTP status, and an error {@code Code} for the JSON body (the JavaScript SDK shows
 * {@code Code} and {@code Message} of a 4xx answer).
 */
enum Outcome {
  ISSUED("issued", 200, "Success"),
  MALFORMED_REQUEST("malformed_request", 400, "InvalidRequest"),
  MISSING_TOKEN("missing_token", 400, "MissingToken"),
  MALFORMED_TOKEN("malformed_token", 400, "InvalidToken"),
  TOKEN_REFUSED("token_refused", 403, "AccessDenied"),
  WRONG_HOST("wrong_host", 403, "AccessDenied"),
  WRONG_ADDRESS("wrong_address", 403, "AccessDenied"),
  OTHER_NODE("other_node", 403, "AccessDenied"),
  POD_INELIGIBLE("pod_ineligible", 403, "AccessDenied"),
  HOST_ADDRESS("host_address", 403, "AccessDenied"),
  POLICY_DENIED("policy_denied", 403, "AccessDenied"),
  INVALID_ANNOTATION("invalid_annotation", 403, "AccessDenied"),
  STS_DENIED("sts_denied", 403, "AccessDenied"),
  NO_ROLE("no_role", 404, "NoRole"),
  NOT_FOUND("not_found", 404, "NotFound"),
  METHOD_NOT_ALLOWED("method_not_allowed", 405, "MethodNotAllowed"),
  BODY_TOO_LARGE("body_too_large", 413, "RequestTooLarge"),
  HEADER_TOO_LARGE("header_too_large", 431, "RequestTooLarge"),
  RATE_LIMITED("rate_limited", 429, "TooManyRequests"),
  INTERNAL_ERROR("internal_error", 500, "InternalError"),
  UNAVAILABLE("unavailable", 503, "ServiceUnavailable"),
  KEYS_UNAVAILABLE("keys_unavailable", 503, "ServiceUnavailable"),
  STS_UNAVAILABLE("sts_unavailable", 503, "ServiceUnavailable"),
  RESPONSE_TIMEOUT("response_timeout", 503, "ServiceUnavailable");

  private final String label;
  private final int status;
  private final String code;

  Outcome(String label, int status, String code) {
    this.label = label;
    this.status = status;
    this.code = code;
  }

  String code() {
    return code;
  }

  String label() {
    return label;
  }

  int status() {
    return status;
  }
}
