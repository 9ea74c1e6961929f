package io.podium.core.broker;

import org.jspecify.annotations.Nullable;

/**
 * Why an STS call failed, in the few kinds the broker acts on differently. {@link #errorCode()} is
 * STS's own code (bounded, fit for a metric label); branch on the type, never on the message.
 */
public abstract sealed class StsCallException extends RuntimeException
    permits StsCallException.AccessDenied,
        StsCallException.InvalidRequest,
        StsCallException.Throttled,
        StsCallException.Unavailable,
        StsCallException.IssuerCredentials {

  private final String errorCode;

  private StsCallException(String errorCode, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.errorCode = errorCode;
  }

  /** STS's error code such as {@code AccessDenied}, or a local one such as {@code IOError}. */
  public String errorCode() {
    return errorCode;
  }

  /** Whether trying again later may succeed. A denial or an invalid request is final. */
  public abstract boolean retryable();

  /** The role's trust policy or our permissions refuse this session. Final; cached briefly. */
  public static final class AccessDenied extends StsCallException {
    public AccessDenied(String errorCode, String message, @Nullable Throwable cause) {
      super(errorCode, message, cause);
    }

    @Override
    public boolean retryable() {
      return false;
    }
  }

  /** STS rejects the request's inputs (duration, session name, tags). Final. */
  public static final class InvalidRequest extends StsCallException {
    public InvalidRequest(String errorCode, String message, @Nullable Throwable cause) {
      super(errorCode, message, cause);
    }

    @Override
    public boolean retryable() {
      return false;
    }
  }

  /** STS throttled the call. Retried with backoff. */
  public static final class Throttled extends StsCallException {
    public Throttled(String errorCode, String message, @Nullable Throwable cause) {
      super(errorCode, message, cause);
    }

    @Override
    public boolean retryable() {
      return true;
    }
  }

  /** STS could not be reached or failed on its side. Retried with backoff. */
  public static final class Unavailable extends StsCallException {
    public Unavailable(String errorCode, String message, @Nullable Throwable cause) {
      super(errorCode, message, cause);
    }

    @Override
    public boolean retryable() {
      return true;
    }
  }

  /**
   * Podium's own AWS credentials are missing, invalid or expired. Retried with backoff, since they
   * may be rotated while we wait.
   */
  public static final class IssuerCredentials extends StsCallException {
    public IssuerCredentials(String errorCode, String message, @Nullable Throwable cause) {
      super(errorCode, message, cause);
    }

    @Override
    public boolean retryable() {
      return true;
    }
  }
}
