package io.podium.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.core.PodIpIndex;
import io.podium.core.PodLookup;
import io.podium.core.RoleBaseArn;
import io.podium.core.WaitingPodLookup;
import io.podium.testing.ApiObjects;
import io.podium.testing.ManualScheduler;
import io.podium.testing.MutableClock;
import io.podium.testing.TestPods;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterViewTest {

  private final MutableClock clock = MutableClock.at("2026-11-27T10:00:00Z");
  private final PodIpIndex index = new PodIpIndex();
  private final ClusterView view =
      new ClusterView(
          null,
          Optional.of(RoleBaseArn.parse("arn:aws:iam::123456789012:role/")),
          index,
          new WaitingPodLookup(
              index,
              clock,
              new ManualScheduler(clock),
              Duration.ZERO,
              WaitingPodLookup.DEFAULT_MAX_WAITERS,
              WaitingPodLookup.Observer.NONE));

  private PodLookup lookup(String ip) {
    return index.lookup(TestPods.ip(ip), clock.instant());
  }

  @Test
  void aNodesAddressStaysWhileAnyOfItsPodsReportsItAndGoesWithTheLast() {
    var web = ApiObjects.pod("shop", "web").ip("10.0.0.5").hostIp("192.168.1.11").build();
    var db = ApiObjects.pod("shop", "db").ip("10.0.0.6").hostIp("192.168.1.11").build();
    var cart = ApiObjects.pod("shop", "cart").ip("10.0.0.7").hostIp("192.168.1.12").build();
    view.podChanged(web);
    view.podChanged(db);
    view.podChanged(cart);
    assertThat(lookup("192.168.1.11")).isInstanceOf(PodLookup.HostAddress.class);
    assertThat(lookup("192.168.1.12")).isInstanceOf(PodLookup.HostAddress.class);

    view.podDeleted(web);
    assertThat(lookup("192.168.1.11")).isInstanceOf(PodLookup.HostAddress.class);

    view.podDeleted(db);
    assertThat(lookup("192.168.1.11")).isInstanceOf(PodLookup.NotFound.class);
    assertThat(lookup("192.168.1.12")).isInstanceOf(PodLookup.HostAddress.class);

    // A pod that reports another host address releases the old one and claims the new.
    var moved = ApiObjects.pod("shop", "cart").ip("10.0.0.7").hostIp("192.168.1.13").build();
    moved.getMetadata().setUid(cart.getMetadata().getUid());
    view.podChanged(moved);
    assertThat(lookup("192.168.1.12")).isInstanceOf(PodLookup.NotFound.class);
    assertThat(lookup("192.168.1.13")).isInstanceOf(PodLookup.HostAddress.class);
  }
}
