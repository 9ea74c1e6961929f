package io.podium.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.podium.core.PodIdentity;
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

  @Test
  void podsSharingANamespaceNodeAccountAndRoleHoldOneInstanceOfEachAndKeepTheirOwnValues() {
    // Distinct copies, as two decoded manifests would carry them.
    var web =
        ApiObjects.pod(new String("shop"), "web")
            .onNode(new String("node-a"))
            .serviceAccount(new String("front"))
            .role(new String("shop-web"))
            .ip("10.0.0.5")
            .build();
    var db =
        ApiObjects.pod(new String("shop"), "db")
            .onNode(new String("node-a"))
            .serviceAccount(new String("front"))
            .role(new String("shop-web"))
            .ip("10.0.0.6")
            .build();
    var other =
        ApiObjects.pod(new String("bank"), "web")
            .onNode(new String("node-b"))
            .serviceAccount(new String("back"))
            .role(new String("bank-web"))
            .ip("10.0.0.7")
            .build();
    view.podChanged(web);
    view.podChanged(db);
    view.podChanged(other);

    PodIdentity first = index.pod(web.getMetadata().getUid()).orElseThrow();
    PodIdentity second = index.pod(db.getMetadata().getUid()).orElseThrow();
    PodIdentity third = index.pod(other.getMetadata().getUid()).orElseThrow();
    assertThat(second.namespace()).isSameAs(first.namespace()).isEqualTo("shop");
    assertThat(second.nodeName()).isSameAs(first.nodeName()).isEqualTo("node-a");
    assertThat(second.serviceAccount()).isSameAs(first.serviceAccount()).isEqualTo("front");
    assertThat(second.annotations()).isSameAs(first.annotations());
    assertThat(first.annotations().role()).isEqualTo("shop-web");
    assertThat(first.name()).isEqualTo("web");
    assertThat(second.name()).isEqualTo("db");
    assertThat(third.namespace()).isEqualTo("bank");
    assertThat(third.nodeName()).isEqualTo("node-b");
    assertThat(third.serviceAccount()).isEqualTo("back");
    assertThat(third.annotations().role()).isEqualTo("bank-web");
    assertThat(lookup("10.0.0.6"))
        .isInstanceOfSatisfying(
            PodLookup.Found.class, found -> assertThat(found.pod()).isSameAs(second));
    assertThat(lookup("10.0.0.7"))
        .isInstanceOfSatisfying(
            PodLookup.Found.class, found -> assertThat(found.pod()).isSameAs(third));
  }

  @Test
  void aPodReCreatedUnderItsNameReplacesTheOldAndTheStoresStubDeletesIt() {
    MetadataOnlyStore<Pod> store = new MetadataOnlyStore<>(Pod::new);
    var first = ApiObjects.pod("shop", "web").ip("10.0.0.5").build();
    var second = ApiObjects.pod("shop", "web").ip("10.0.0.6").build();
    assertThat(second.getMetadata().getUid()).isNotEqualTo(first.getMetadata().getUid());
    String key = store.getKey(first);
    store.put(key, first);
    view.podChanged(first);
    store.put(key, second);
    view.podChanged(second);

    assertThat(lookup("10.0.0.5")).isInstanceOf(PodLookup.NotFound.class);
    assertThat(lookup("10.0.0.6")).isInstanceOf(PodLookup.Found.class);

    // A re-list that no longer finds the pod deletes the store's stub: namespace and name only.
    Pod stub = store.remove(key);
    stub.getMetadata().setUid(null);
    view.podDeleted(stub);
    assertThat(lookup("10.0.0.6")).isInstanceOf(PodLookup.NotFound.class);
    assertThat(index.pods()).isEmpty();
  }
}
