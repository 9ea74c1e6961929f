package io.podium.stsemulator;

import java.time.Duration;

/**
 * An answer ready to send: status, XML body, request id, and how long to hold it back.
 *
 * @param status the HTTP status
 * @param body the XML document
 * @param requestId the id in the body, also sent as {@code x-amzn-RequestId}
 * @param delay injected latency; zero to answer at once
 */
record StsReply(int status, byte[] body, String requestId, Duration delay) {}
