package io.podium.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.podium.testing.ApiObjects;
import org.junit.jupiter.api.Test;

class MetadataOnlyStoreTest {

  private final MetadataOnlyStore<Pod> pods = new MetadataOnlyStore<>(Pod::new);

  private static Pod withVersion(Pod pod, String resourceVersion) {
    pod.getMetadata().setResourceVersion(resourceVersion);
    return pod;
  }

  @Test
  void stubsOfNamespacedObjectsCarryTheirNamespaceNameUidAndResourceVersion() {
    Pod web = withVersion(ApiObjects.pod("shop", "web-0").build(), "41");
    String key = pods.getKey(web);
    assertThat(key).isEqualTo("shop/web-0");

    assertThat(pods.put(key, web)).isNull();
    ObjectMeta stored = pods.get(key).getMetadata();
    assertThat(stored.getNamespace()).isEqualTo("shop");
    assertThat(stored.getName()).isEqualTo("web-0");
    assertThat(stored.getUid()).isEqualTo(web.getMetadata().getUid());
    assertThat(stored.getResourceVersion()).isEqualTo("41");
    assertThat(pods.get(key).getSpec()).isNull();

    Pod updated = withVersion(ApiObjects.pod("shop", "web-0").build(), "42");
    ObjectMeta previous = pods.put(key, updated).getMetadata();
    assertThat(previous.getResourceVersion()).isEqualTo("41");
    assertThat(previous.getName()).isEqualTo("web-0");
    assertThat(pods.values().map(p -> p.getMetadata().getResourceVersion())).containsExactly("42");
    assertThat(pods.keySet()).containsExactly("shop/web-0");

    ObjectMeta removed = pods.remove(key).getMetadata();
    assertThat(removed.getNamespace()).isEqualTo("shop");
    assertThat(removed.getName()).isEqualTo("web-0");
    assertThat(removed.getUid()).isEqualTo(updated.getMetadata().getUid());
    assertThat(pods.get(key)).isNull();
    assertThat(pods.size()).isZero();
  }

  @Test
  void stubsOfClusterScopedObjectsHaveNoNamespace() {
    MetadataOnlyStore<Namespace> namespaces = new MetadataOnlyStore<>(Namespace::new);
    Namespace shop =
        new NamespaceBuilder()
            .withNewMetadata()
            .withName("shop")
            .withUid("u-1")
            .withResourceVersion("7")
            .endMetadata()
            .build();
    String key = namespaces.getKey(shop);
    assertThat(key).isEqualTo("shop");

    namespaces.put(key, shop);

    ObjectMeta stored = namespaces.values().findFirst().orElseThrow().getMetadata();
    assertThat(stored.getNamespace()).isNull();
    assertThat(stored.getName()).isEqualTo("shop");
    assertThat(stored.getUid()).isEqualTo("u-1");
    assertThat(stored.getResourceVersion()).isEqualTo("7");
  }

  @Test
  void handsBackEveryResourceVersionExactlyAsReceivedWhateverItsForm() {
    for (String version :
        new String[] {"0", "7", "123456789012345678", "1234567890123456789", "007", "-1", "a1"}) {
      Pod pod = withVersion(ApiObjects.pod("shop", "web-" + version).build(), version);
      pods.put(pods.getKey(pod), pod);
      assertThat(pods.get(pods.getKey(pod)).getMetadata().getResourceVersion())
          .as("resourceVersion %s", version)
          .isEqualTo(version);
    }
    Pod without = withVersion(ApiObjects.pod("shop", "no-version").build(), null);
    pods.put(pods.getKey(without), without);
    assertThat(pods.get("shop/no-version").getMetadata().getResourceVersion()).isNull();
    Pod empty = withVersion(ApiObjects.pod("shop", "empty-version").build(), "");
    pods.put(pods.getKey(empty), empty);
    assertThat(pods.get("shop/empty-version").getMetadata().getResourceVersion()).isEmpty();
  }

  @Test
  void keepsTheObjectsOwnNameAndOneInstanceOfEachNamespace() {
    Pod web = ApiObjects.pod("shop", "web-0").build();
    Pod db = ApiObjects.pod(new String("shop"), "db-0").build();
    pods.put(pods.getKey(web), web);
    pods.put(pods.getKey(db), db);

    // values() reads the entries as stored.
    Pod storedWeb =
        pods.values().filter(p -> p.getMetadata().getName().equals("web-0")).findFirst().get();
    Pod storedDb =
        pods.values().filter(p -> p.getMetadata().getName().equals("db-0")).findFirst().get();
    // The projection keeps the object's name too: stored once, not once more by the store.
    assertThat(storedWeb.getMetadata().getName()).isSameAs(web.getMetadata().getName());
    assertThat(storedDb.getMetadata().getNamespace())
        .isSameAs(storedWeb.getMetadata().getNamespace());
    assertThat(pods.keySet()).containsExactlyInAnyOrder("shop/web-0", "shop/db-0");
  }
}
