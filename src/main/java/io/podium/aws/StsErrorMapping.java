package io.podium.aws;

import io.podium.core.broker.StsCallException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Translates SDK failures into {@link StsCallException}s, once, at this edge. Decisions are made on
 * STS's error code, the SDK's own classification and exception types; the message text is only
 * carried along for people to read.
 *
 * <p>{@link StsCallException#errorCode()} is always one of a bounded set, fit for a metric label:
 * the STS codes listed here, or one of the local codes below. An unknown STS code becomes {@link
 * #OTHER}, its raw value kept in the message.
 */
final class StsErrorMapping {

  /** Our base credentials could not be loaded (no STS call was made with them). */
  static final String CREDENTIALS_NOT_LOADED = "CredentialsNotLoaded";

  /** The call or an attempt ran past its timeout, or a socket read timed out. */
  static final String TIMEOUT = "Timeout";

  /** STS could not be reached or the connection broke. */
  static final String IO_ERROR = "IOError";

  /** The calling thread was interrupted; its interrupt flag is restored. */
  static final String INTERRUPTED = "Interrupted";

  /** The SDK failed on our side for another reason (e.g. an unreadable response). */
  static final String CLIENT_ERROR = "ClientError";

  /** STS answered, but without the credentials or the assumed-role ARN. */
  static final String INVALID_RESPONSE = "InvalidResponse";

  /** An STS error code this mapping does not know, or none at all. */
  static final String OTHER = "Other";

  /** Anything that is not an SDK exception: a bug, reported rather than leaked untyped. */
  static final String UNEXPECTED = "Unexpected";

  static final Set<String> LOCAL_CODES =
      Set.of(
          CREDENTIALS_NOT_LOADED,
          TIMEOUT,
          IO_ERROR,
          INTERRUPTED,
          CLIENT_ERROR,
          INVALID_RESPONSE,
          OTHER,
          UNEXPECTED);

  private enum Kind {
    ACCESS_DENIED,
    INVALID_REQUEST,
    THROTTLED,
    UNAVAILABLE,
    ISSUER_CREDENTIALS
  }

  private static final Map<String, Kind> KINDS = kinds();

  private static final Pattern PRINTABLE_CODE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final int MAX_MESSAGE = 512;

  private StsErrorMapping() {}

  private static Map<String, Kind> kinds() {
    Map<String, Kind> kinds = new HashMap<>();
    // RegionDisabledException: STS is not activated in this region for the account; an
    // administrator must act, so it is final like a denial (and cached only briefly).
    put(kinds, Kind.ACCESS_DENIED, "AccessDenied", "AccessDeniedException");
    put(kinds, Kind.ACCESS_DENIED, "RegionDisabledException");
    put(
        kinds,
        Kind.INVALID_REQUEST,
        "ValidationError",
        "ValidationException",
        "MalformedPolicyDocument",
        "MalformedPolicyDocumentException",
        "PackedPolicyTooLarge",
        "PackedPolicyTooLargeException",
        "InvalidParameterValue",
        "InvalidParameterCombination",
        "MissingParameter",
        "InvalidAction",
        "InvalidQueryParameter",
        "MalformedQueryString");
    // The SDK's throttling codes (AwsServiceException#isThrottlingException also counts HTTP 429).
    put(
        kinds,
        Kind.THROTTLED,
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottled",
        "RequestThrottledException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "BandwidthLimitExceeded",
        "SlowDown",
        "EC2ThrottledException",
        "TransactionInProgressException");
    // Our credentials, or our signature with them, are not accepted; clock-skew codes included
    // because the host's clock is ours to fix too.
    put(
        kinds,
        Kind.ISSUER_CREDENTIALS,
        "InvalidClientTokenId",
        "ExpiredToken",
        "ExpiredTokenException",
        "SignatureDoesNotMatch",
        "IncompleteSignature",
        "InvalidSignatureException",
        "UnrecognizedClientException",
        "MissingAuthenticationToken",
        "MissingAuthenticationTokenException",
        "AuthFailure",
        "OptInRequired",
        "RequestExpired",
        "RequestTimeTooSkewed",
        "RequestInTheFuture");
    put(
        kinds,
        Kind.UNAVAILABLE,
        "InternalFailure",
        "InternalError",
        "InternalServerError",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "RequestTimeout",
        "RequestTimeoutException",
        "PriorRequestNotComplete",
        "IDPCommunicationError");
    return Map.copyOf(kinds);
  }

  private static void put(Map<String, Kind> kinds, Kind kind, String... codes) {
    for (String code : codes) {
      kinds.put(code, kind);
    }
  }

  /** The STS error codes this mapping knows by name (the local codes are apart). */
  static Set<String> knownCodes() {
    return KINDS.keySet();
  }

  /** Maps a failed AssumeRole call for a pod's session. */
  static StsCallException forSessionCall(Throwable failure) {
    if (find(failure, BaseCredentialsException.class) instanceof BaseCredentialsException base) {
      return new StsCallException.IssuerCredentials(
          CREDENTIALS_NOT_LOADED, base.getMessage(), failure);
    }
    if (find(failure, AwsServiceException.class) instanceof AwsServiceException service) {
      return forServiceError(service, failure);
    }
    if (find(failure, SdkClientException.class) instanceof SdkClientException client) {
      return forClientError(client, failure);
    }
    return new StsCallException.Unavailable(
        UNEXPECTED, "unexpected failure calling STS: " + failure.getClass().getName(), failure);
  }

  /**
   * Maps a failure to obtain the credentials that sign our calls: the base credentials or, with
   * role chaining, the intermediate role's session. STS refusing the intermediate role is our own
   * configuration's fault, never the pod's, so denials and invalid requests become {@link
   * StsCallException.IssuerCredentials}; throttling and outages keep their kind.
   */
  static StsCallException forSigningCredentials(Throwable failure) {
    StsCallException mapped = forSessionCall(failure);
    String prefix = "obtaining Podium's own credentials (intermediate role): ";
    return switch (mapped) {
      case StsCallException.IssuerCredentials issuer -> issuer;
      case StsCallException.AccessDenied denied ->
          new StsCallException.IssuerCredentials(
              denied.errorCode(), prefix + denied.getMessage(), failure);
      case StsCallException.InvalidRequest invalid ->
          new StsCallException.IssuerCredentials(
              invalid.errorCode(), prefix + invalid.getMessage(), failure);
      case StsCallException.Throttled throttled ->
          new StsCallException.Throttled(
              throttled.errorCode(), prefix + throttled.getMessage(), failure);
      case StsCallException.Unavailable unavailable ->
          UNEXPECTED.equals(unavailable.errorCode())
              ? new StsCallException.IssuerCredentials(
                  CREDENTIALS_NOT_LOADED, prefix + unavailable.getMessage(), failure)
              : new StsCallException.Unavailable(
                  unavailable.errorCode(), prefix + unavailable.getMessage(), failure);
    };
  }

  private static StsCallException forServiceError(AwsServiceException service, Throwable failure) {
    AwsErrorDetails details = service.awsErrorDetails();
    String rawCode = details == null ? null : details.errorCode();
    Kind kind = rawCode == null ? null : KINDS.get(rawCode);
    String code = kind == null || rawCode == null ? OTHER : rawCode;
    if (kind == null) {
      // Unknown codes: the SDK's throttling classification first, else retryable, since we cannot
      // tell that the request itself is at fault.
      kind = service.isThrottlingException() ? Kind.THROTTLED : Kind.UNAVAILABLE;
    }
    String message =
        "STS answered HTTP "
            + service.statusCode()
            + " "
            + printable(rawCode)
            + ": "
            + clean(details == null ? null : details.errorMessage());
    return switch (kind) {
      case ACCESS_DENIED -> new StsCallException.AccessDenied(code, message, failure);
      case INVALID_REQUEST -> new StsCallException.InvalidRequest(code, message, failure);
      case THROTTLED -> new StsCallException.Throttled(code, message, failure);
      case UNAVAILABLE -> new StsCallException.Unavailable(code, message, failure);
      case ISSUER_CREDENTIALS -> new StsCallException.IssuerCredentials(code, message, failure);
    };
  }

  private static StsCallException forClientError(SdkClientException client, Throwable failure) {
    if (find(failure, AbortedException.class) != null
        || find(failure, InterruptedException.class) != null) {
      Thread.currentThread().interrupt();
      return new StsCallException.Unavailable(
          INTERRUPTED, "interrupted while calling STS", failure);
    }
    String code;
    if (find(failure, ApiCallTimeoutException.class) != null
        || find(failure, ApiCallAttemptTimeoutException.class) != null
        || find(failure, SocketTimeoutException.class) != null) {
      code = TIMEOUT;
    } else if (find(failure, IOException.class) != null) {
      code = IO_ERROR;
    } else {
      code = CLIENT_ERROR;
    }
    return new StsCallException.Unavailable(
        code, "calling STS failed: " + clean(client.getMessage()), failure);
  }

  /** The first throwable of {@code type} in the cause chain, or null; cycles are cut. */
  private static @Nullable Throwable find(Throwable failure, Class<? extends Throwable> type) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
      if (type.isInstance(t)) {
        return t;
      }
    }
    return null;
  }

  private static String printable(@Nullable String code) {
    if (code == null) {
      return "(no error code)";
    }
    return PRINTABLE_CODE.matcher(code).matches() ? code : "(unprintable error code)";
  }

  /** Bounds length and strips control characters of text that came over the network. */
  private static String clean(@Nullable String text) {
    if (text == null || text.isBlank()) {
      return "(no message)";
    }
    String bounded = text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE) + "…";
    return bounded.replaceAll("\\p{Cntrl}", " ");
  }
}
