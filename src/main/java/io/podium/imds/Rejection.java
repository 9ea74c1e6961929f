package io.podium.imds;

/** Why a request was refused before it reached an answer; bounded, fit for a metric label. */
enum Rejection {
  RATE_LIMITED("rate_limited"),
  HEADER_TOO_LARGE("header_too_large"),
  REQUEST_LINE_TOO_LONG("request_line_too_long"),
  BODY_TOO_LARGE("body_too_large"),
  EXPECTATION_FAILED("expectation_failed"),
  MALFORMED_REQUEST("malformed_request"),
  MALFORMED_PATH("malformed_path"),
  UNKNOWN_CALLER("unknown_caller"),
  METHOD_NOT_ALLOWED("method_not_allowed"),
  MISSING_TOKEN("missing_token"),
  BAD_TOKEN("bad_token"),
  EXPIRED_TOKEN("expired_token"),
  BAD_TOKEN_TTL("bad_token_ttl"),
  FORWARDED_TOKEN_REQUEST("forwarded_token_request"),
  TOKENS_DISABLED("tokens_disabled"),
  UNKNOWN_PATH("unknown_path"),
  PATH_DENIED("path_denied"),
  PATH_NOT_ALLOWED("path_not_allowed"),
  PASSTHROUGH_OFF("passthrough_off"),
  WRONG_ROLE_NAME("wrong_role_name"),
  REQUEST_TIMEOUT("request_timeout"),
  RESPONSE_TIMEOUT("response_timeout"),
  UPSTREAM_ERROR("upstream_error"),
  INTERNAL_ERROR("internal_error");

  private final String label;

  Rejection(String label) {
    this.label = label;
  }

  String label() {
    return label;
  }
}
