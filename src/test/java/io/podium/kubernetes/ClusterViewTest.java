package io.podium.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.podium.core.WaitingPodLookup;
import io.podium.core.pod.PodChangeListener;
import io.podium.core.pod.PodIdentity;
import io.podium.core.pod.PodIpIndex;
import io.podium.core.pod.PodLookup;
import io.podium.core.role.RoleBaseArn;
import io.podium.testing.ApiObjects;
import io.podium.testing.ManualScheduler;
import io.podium.testing.MutableClock;
import io.podium.testing.TestPods;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    // As fabric8 reports it: an update whose old object is the store's stub of the first pod.
    view.podUpdated(store.put(key, second), second);

    assertThat(lookup("10.0.0.5")).isInstanceOf(PodLookup.NotFound.class);
    assertThat(lookup("10.0.0.6")).isInstanceOf(PodLookup.Found.class);
    assertThat(index.pods()).hasSize(1);

    // A re-list that no longer finds the pod deletes the store's stub: metadata only.
    Pod stub = store.remove(key);
    assertThat(stub.getSpec()).isNull();
    view.podDeleted(stub);
    assertThat(lookup("10.0.0.6")).isInstanceOf(PodLookup.NotFound.class);
    assertThat(index.pods()).isEmpty();
  }

  /** Records what a listener hears, as {@code upserted ns/name} and {@code removed ns/name}. */
  private static final class Recording implements PodChangeListener {
    final List<String> heard = new ArrayList<>();

    @Override
    public void podUpserted(PodIdentity pod) {
      heard.add("upserted " + pod.qualifiedName());
    }

    @Override
    public void podRemoved(PodIdentity pod) {
      heard.add("removed " + pod.qualifiedName());
    }
  }

  @Test
  void aNamespacePolicyChangeTellsThatNamespacesPodsAgainAndNoOthers() {
    view.podChanged(ApiObjects.pod("shop", "web").ip("10.0.0.5").build());
    view.podChanged(ApiObjects.pod("bank", "vault").ip("10.0.0.6").build());
    Recording listener = new Recording();
    view.addListener(listener);
    listener.heard.clear();

    view.namespaceChanged(ApiObjects.namespace("shop", "shop-.*"));
    assertThat(listener.heard).containsExactly("upserted shop/web");

    // The same policy again changes nothing: nothing is told.
    view.namespaceChanged(ApiObjects.namespace("shop", "shop-.*"));
    assertThat(listener.heard).containsExactly("upserted shop/web");
  }

  @Test
  void retellsEveryPodToAListenerAndNothingToOneItDoesNotHaveYet() {
    var vault = ApiObjects.pod("bank", "vault").ip("10.0.0.6");
    view.podChanged(ApiObjects.pod("shop", "web").ip("10.0.0.5").build());
    view.podChanged(vault.build());
    Recording listener = new Recording();

    view.retell(listener);
    assertThat(listener.heard).isEmpty();

    view.addListener(listener);
    listener.heard.clear();
    view.podDeleted(vault.build());
    view.retell(listener);
    assertThat(listener.heard).containsExactly("removed bank/vault", "upserted shop/web");
  }
}
