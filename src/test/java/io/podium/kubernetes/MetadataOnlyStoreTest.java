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
}
