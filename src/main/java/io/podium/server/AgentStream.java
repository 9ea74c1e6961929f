package io.podium.server;

import com.google.rpc.Code;
import io.grpc.stub.ServerCallStreamObserver;
import io.podium.wire.ErrorDetails;
import io.podium.wire.v1.ErrorReason;
import io.podium.wire.v1.WatchEvent;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent's open Watch stream. Events come from the hub's thread and from broker threads, so
 * sends are serialised here; a stream that has ended swallows later events.
 *
 * <p>gRPC buffers what the agent has not read yet without limit. An agent that stops reading (a
 * stalled process, a saturated node) would make the server hold every event for it forever, so a
 * stream is ended with RESOURCE_EXHAUSTED once more than {@code maxUnsentBytes} were queued while
 * the transport said it was not ready. The agent reconnects and starts again from a snapshot, which
 * is all it needs: events are states, not deltas to replay.
 */
final class AgentStream {

  private static final Logger log = LoggerFactory.getLogger(AgentStream.class);

  private final String node;
  private final ServerCallStreamObserver<WatchEvent> observer;
  private final long maxUnsentBytes;
  private final Runnable whenTooSlow;
  private final AtomicBoolean ended = new AtomicBoolean();
  private long queuedWhileNotReady; // guarded by this

  /**
   * @param maxUnsentBytes the most this stream may queue while the agent is not reading
   * @param whenTooSlow called once when the stream is ended for exceeding it
   */
  AgentStream(
      String node,
      ServerCallStreamObserver<WatchEvent> observer,
      long maxUnsentBytes,
      Runnable whenTooSlow) {
    this.node = node;
    this.observer = observer;
    this.maxUnsentBytes = maxUnsentBytes;
    this.whenTooSlow = whenTooSlow;
  }

  String node() {
    return node;
  }

  /**
   * Sends {@code event} unless the stream has ended.
   *
   * @return whether the stream is still open afterwards
   */
  synchronized boolean send(WatchEvent event) {
    if (ended.get()) {
      return false;
    }
    if (observer.isReady()) {
      queuedWhileNotReady = 0;
    } else {
      queuedWhileNotReady += event.getSerializedSize();
      if (queuedWhileNotReady > maxUnsentBytes) {
        log.warn(
            "Ending the stream of the agent of node {}: it has not read {} bytes of events (limit"
                + " {}); it will reconnect and resynchronise",
            node,
            queuedWhileNotReady,
            maxUnsentBytes);
        end(
            ErrorDetails.error(
                Code.RESOURCE_EXHAUSTED,
                ErrorReason.ERROR_REASON_TOO_SLOW,
                "the agent did not read its events; reconnect"));
        whenTooSlow.run();
        return false;
      }
    }
    try {
      observer.onNext(event);
      return true;
    } catch (RuntimeException e) {
      // The call was cancelled under us (the agent went away): the cancel handler cleans up.
      log.debug("stream to node {} ended while sending: {}", node, e.toString());
      ended.set(true);
      return false;
    }
  }

  /** Ends the stream with {@code error} (e.g. this replica is shutting down). */
  synchronized void end(Throwable error) {
    if (ended.compareAndSet(false, true)) {
      try {
        observer.onError(error);
      } catch (RuntimeException e) {
        log.debug("stream to node {} already ended: {}", node, e.toString());
      }
    }
  }

  void markEnded() {
    ended.set(true);
  }
}
