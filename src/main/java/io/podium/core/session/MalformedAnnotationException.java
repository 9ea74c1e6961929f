package io.podium.core.session;

/** A pod or namespace annotation that cannot be used; the message names it and what to fix. */
public final class MalformedAnnotationException extends IllegalArgumentException {
  private final String reason;

  public MalformedAnnotationException(String reason) {
    super(reason);
    this.reason = reason;
  }

  /**
   * Why the annotation cannot be used; never null, unlike the message of an exception in general.
   */
  @Override
  public String getMessage() {
    return reason;
  }
}
