package io.podium.agent;

import io.grpc.stub.StreamObserver;
import io.podium.imds.ImdsRenderer;
import io.podium.wire.v1.WatchEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * For the scale model (bench/scale.sh): an agent's memory of its node — the real {@link NodeView} —
 * fed by one Watch stream the way {@link ServerLink} feeds it, without the Netty channel, so that
 * thousands of agents fit in one process on an in-process transport.
 */
public final class AgentViewFeed implements StreamObserver<WatchEvent> {

  private final NodeView view;
  private final Consumer<WatchEvent> onEvent;
  private final AtomicLong events = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong applyingNanos = new AtomicLong();

  /**
   * @param renderer shared by every agent of the model (one per agent process in production)
   * @param onEvent told of every event after the view has applied it
   */
  public AgentViewFeed(
      Clock clock, ImdsRenderer renderer, Duration minRemaining, Consumer<WatchEvent> onEvent) {
    this.view = new NodeView(clock, renderer, minRemaining);
    this.onEvent = onEvent;
    view.streamStarted(this);
  }

  @Override
  public void onNext(WatchEvent event) {
    events.incrementAndGet();
    bytes.addAndGet(event.getSerializedSize());
    long started = System.nanoTime();
    switch (event.getEventCase()) {
      case HELLO ->
          view.minRemaining(Duration.ofSeconds(event.getHello().getMinRemainingSeconds()));
      case POD -> view.podUpserted(this, event.getPod());
      case POD_REMOVED -> view.podRemoved(this, event.getPodRemoved().getUid());
      case CREDENTIALS -> view.credentialsArrived(event.getCredentials());
      case SYNCED -> view.synced(this);
      // The signing keys serve a container-credentials endpoint, which this feed has not.
      case SERVICE_ACCOUNT_KEYS, EVENT_NOT_SET -> {}
    }
    applyingNanos.addAndGet(System.nanoTime() - started);
    onEvent.accept(event);
  }

  @Override
  public void onError(Throwable t) {
    view.streamEnded(this);
  }

  @Override
  public void onCompleted() {
    view.streamEnded(this);
  }

  public int podCount() {
    return view.podCount();
  }

  public int credentialCount() {
    return view.credentialCount();
  }

  public long events() {
    return events.get();
  }

  /** Time spent applying events to the view (decoding, rendering documents): the agent's work. */
  public long applyingNanos() {
    return applyingNanos.get();
  }

  /** Bytes of the events received, as protobuf-encoded on the wire. */
  public long bytes() {
    return bytes.get();
  }
}
