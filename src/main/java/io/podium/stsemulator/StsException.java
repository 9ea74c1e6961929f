package io.podium.stsemulator;

/**
 * Ends an action with an STS error response. It is control flow inside the emulator, translated to
 * XML once in {@link StsRouter}, so it carries no stack trace.
 */
final class StsException extends RuntimeException {

  private final transient StsError error;

  StsException(StsError error) {
    super(error.code() + ": " + error.message(), null, false, false);
    this.error = error;
  }

  StsError error() {
    return error;
  }
}
