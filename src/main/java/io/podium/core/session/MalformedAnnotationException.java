package io.podium.core.session;

/** A pod or namespace annotation that cannot be used; the message names it and what to fix. */
public final class MalformedAnnotationException extends IllegalArgumentException {
  public MalformedAnnotationException(String reason) {
    super(reason);
  }
}
