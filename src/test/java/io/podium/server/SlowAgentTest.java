package io.podium.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.podium.core.pod.PodIdentity;
import io.podium.testing.TestPods;
import io.podium.wire.ErrorDetails;
import io.podium.wire.v1.ErrorReason;
import io.podium.wire.v1.WatchEvent;
import io.podium.wire.v1.WatchRequest;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An agent that stops reading its Watch stream cannot make the server buffer without limit. */
class SlowAgentTest {

  private static final long LIMIT = 4_000;

  private final InProcessAgentApi api = new InProcessAgentApi(LIMIT);

  SlowAgentTest() throws IOException {}

  @AfterEach
  void close() {
    api.close();
  }

  @Test
  void aStreamWhoseAgentStopsReadingIsEndedAndItsAgentResynchronisesOnReconnect() {
    api.permit("shop", "shop-.*");
    StalledAgent stalled = new StalledAgent();
    api.agent("node-a").watch(WatchRequest.newBuilder().setNode("node-a").build(), stalled);
    RecordingObserver<WatchEvent> reading = new RecordingObserver<>();
    api.agent("node-a").watch(WatchRequest.newBuilder().setNode("node-a").build(), reading);

    for (int i = 0; i < 100; i++) {
      api.add(pod(i));
    }

    // The stalled stream is gone from the hub, counted, and ended with a reason to branch on.
    assertThat(api.service.tooSlowAgents()).isEqualTo(1);
    assertThat(api.hub.streamCount()).isEqualTo(1);
    stalled.readEverything();
    assertThat(Status.fromThrowable(stalled.error.get()).getCode())
        .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(ErrorDetails.reason(stalled.error.get()))
        .isEqualTo(ErrorReason.ERROR_REASON_TOO_SLOW);
    // It was ended before everything was queued for it: the server stopped buffering.
    assertThat(stalled.received.stream().filter(WatchEvent::hasPod).count()).isLessThan(100);

    // The agent that reads keeps its stream and every pod.
    assertThat(reading.error.get()).isNull();
    assertThat(reading.received.stream().filter(WatchEvent::hasPod).count()).isEqualTo(100);

    // Reconnecting starts again from a snapshot that holds every pod.
    RecordingObserver<WatchEvent> again = new RecordingObserver<>();
    api.agent("node-a").watch(WatchRequest.newBuilder().setNode("node-a").build(), again);
    assertThat(again.received.stream().filter(WatchEvent::hasPod).count()).isEqualTo(100);
    assertThat(again.received.getLast().hasSynced()).isTrue();
  }

  @Test
  void aSnapshotLargerThanTheLimitReachesAnAgentThatReadsIt() {
    api.permit("shop", "shop-.*");
    for (int i = 0; i < 100; i++) {
      api.add(pod(i));
    }

    RecordingObserver<WatchEvent> reading = new RecordingObserver<>();
    api.agent("node-a").watch(WatchRequest.newBuilder().setNode("node-a").build(), reading);

    assertThat(reading.error.get()).isNull();
    assertThat(reading.received.stream().mapToInt(WatchEvent::getSerializedSize).sum())
        .isGreaterThan((int) LIMIT);
    assertThat(api.service.tooSlowAgents()).isZero();
  }

  private static PodIdentity pod(int i) {
    return TestPods.running("shop", "web-" + i)
        .onNode("node-a")
        .withIp("10.0.1." + (i + 1))
        .withRole("shop-web")
        .build();
  }

  /** Reads the hello and nothing more until told to. */
  private static final class StalledAgent extends RecordingObserver<WatchEvent>
      implements ClientResponseObserver<WatchRequest, WatchEvent> {
    private ClientCallStreamObserver<WatchRequest> call;

    @Override
    public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
      call = requestStream;
      requestStream.disableAutoRequestWithInitial(1);
    }

    void readEverything() {
      call.request(Integer.MAX_VALUE);
    }
  }
}
