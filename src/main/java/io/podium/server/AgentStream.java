package io.podium.server;

import io.grpc.stub.ServerCallStreamObserver;
import io.podium.api.v1.WatchEvent;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent's open Watch stream. Events come from the hub's thread and from broker threads, so
 * sends are serialised here; a stream that has ended swallows later events.
 */
final class AgentStream {

  private static final Logger log = LoggerFactory.getLogger(AgentStream.class);

  private final String node;
  private final ServerCallStreamObserver<WatchEvent> observer;
  private final AtomicBoolean ended = new AtomicBoolean();

  AgentStream(String node, ServerCallStreamObserver<WatchEvent> observer) {
    this.node = node;
    this.observer = observer;
  }

  String node() {
    return node;
  }

  synchronized void send(WatchEvent event) {
    if (ended.get()) {
      return;
    }
    try {
      observer.onNext(event);
    } catch (RuntimeException e) {
      // The call was cancelled under us (the agent went away): the cancel handler cleans up.
      log.debug("stream to node {} ended while sending: {}", node, e.toString());
      ended.set(true);
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
