package io.podium.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.core.pod.PodIdentity;
import io.podium.kubernetes.FilePodDirectoryTest.RecordingListener;
import io.podium.testing.TestPods;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodListenersTest {

  private final PodListeners listeners = new PodListeners();
  private final PodIdentity web = TestPods.running("shop", "web").withIp("10.0.0.1").build();
  private final PodIdentity db = TestPods.running("shop", "db").withIp("10.0.0.2").build();

  @Test
  void aNewListenerFirstHearsEveryCurrentPodThenEveryChange() {
    RecordingListener listener = new RecordingListener();

    listeners.add(listener, List.of(web));
    listeners.upserted(db);
    listeners.removed(web);

    assertThat(listener.events)
        .containsExactly(
            "upserted shop/web [/10.0.0.1]",
            "upserted shop/db [/10.0.0.2]",
            "removed shop/web [/10.0.0.1]");
  }

  @Test
  void retellsEveryPodToAListenerOnly() {
    RecordingListener listener = new RecordingListener();
    RecordingListener stranger = new RecordingListener();
    listeners.add(listener, List.of());

    listeners.retell(listener, List.of(web, db));
    listeners.retell(stranger, List.of(web, db));

    assertThat(listener.events)
        .containsExactly("upserted shop/web [/10.0.0.1]", "upserted shop/db [/10.0.0.2]");
    assertThat(stranger.events).isEmpty();
  }

  @Test
  void tellsEachListenerTheRemovalsBeforeTheUpserts() {
    RecordingListener first = new RecordingListener();
    RecordingListener second = new RecordingListener();
    listeners.add(first, List.of());
    listeners.add(second, List.of());

    listeners.changed(List.of(web), List.of(db));

    for (RecordingListener listener : List.of(first, second)) {
      assertThat(listener.events)
          .containsExactly("removed shop/web [/10.0.0.1]", "upserted shop/db [/10.0.0.2]");
    }
  }

  @Test
  void aFailingListenerHearsTheRestAndSilencesNoOther() {
    RecordingListener failing =
        new RecordingListener() {
          @Override
          public void podUpserted(PodIdentity pod) {
            super.podUpserted(pod);
            throw new IllegalStateException("listener bug");
          }
        };
    RecordingListener healthy = new RecordingListener();
    listeners.add(failing, List.of());
    listeners.add(healthy, List.of());

    listeners.changed(List.of(), List.of(web, db));

    assertThat(failing.events)
        .containsExactly("upserted shop/web [/10.0.0.1]", "upserted shop/db [/10.0.0.2]");
    assertThat(healthy.events)
        .containsExactly("upserted shop/web [/10.0.0.1]", "upserted shop/db [/10.0.0.2]");
  }
}
