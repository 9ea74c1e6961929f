package io.podium.imds;

/**
 * What the connection guards ({@link ConnectionLimitHandler}, {@link ConnectionTimeoutHandler})
 * report, for the metrics of whichever endpoint uses them: the metadata API's, and the
 * container-credentials endpoint's, which shares these pieces.
 */
public interface ConnectionEvents {

  /** One connection closed as it opened, at the {@code "source_limit"} or the {@code "limit"}. */
  void connectionRefused(String cap);

  /** One connection closed because its request was not complete and answered in time. */
  void requestTimedOut();
}
