package io.podium.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.podium.core.pod.PodIdentity;
import io.podium.core.pod.PodLookup;
import io.podium.testing.ApiObjects;
import io.podium.testing.TestPods;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An informer whose watch is lost misses events; on 410 Gone it lists again and must end with
 * exactly what the API server holds. The mock never sends 410 by itself: the test severs the pod
 * watch (its events are dropped), changes the cluster behind it, then closes it with a 410 ERROR
 * event, as an API server does when the client's resourceVersion has left its watch cache.
 */
class RelistTest {

  private final ClusterFixture fixture = new ClusterFixture(Duration.ofMillis(200));

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  @Test
  void aWatchClosedWithGoneIsRelistedAndTheIndexMatchesTheApiExactly() throws Exception {
    fixture.create(ApiObjects.pod("shop", "leaving").ip("10.0.0.1").build());
    fixture.create(ApiObjects.pod("shop", "staying").ip("10.0.0.2").build());
    fixture.start();
    assertThat(names()).containsExactlyInAnyOrder("leaving", "staying");

    await().atMost(Duration.ofSeconds(10)).until(() -> fixture.api.openPodWatches() > 0);
    fixture.api.severPodWatches();
    fixture.cluster.pods().inNamespace("shop").withName("leaving").delete();
    fixture.create(ApiObjects.pod("shop", "arriving").ip("10.0.0.3").build());
    // The severed watch delivered neither event: without a re-list, the view is stale.
    assertThat(names()).containsExactlyInAnyOrder("leaving", "staying");

    fixture.api.closePodWatchesWithGone();

    await().atMost(Duration.ofSeconds(15)).until(() -> uids().equals(apiUids()));
    assertThat(names()).containsExactlyInAnyOrder("staying", "arriving");
    assertThat(lookup("10.0.0.1")).isInstanceOf(PodLookup.NotFound.class);
    assertThat(lookup("10.0.0.3"))
        .isInstanceOfSatisfying(
            PodLookup.Found.class, found -> assertThat(found.pod().name()).isEqualTo("arriving"));
    assertThat(relists("pods")).isEqualTo(1);
    assertThat(relists("namespaces")).isZero();
    // The new watch is filtered like the first.
    assertThat(fixture.api.podWatchRequests())
        .hasSizeGreaterThanOrEqualTo(2)
        .allMatch(path -> path.contains("fieldSelector=spec.nodeName=node-1"));
  }

  private PodLookup lookup(String ip) throws Exception {
    return fixture
        .directory
        .findByIp(TestPods.ip(ip))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }

  private Set<String> names() {
    return fixture.directory.pods().stream().map(PodIdentity::name).collect(Collectors.toSet());
  }

  private Set<String> uids() {
    return fixture.directory.pods().stream().map(PodIdentity::uid).collect(Collectors.toSet());
  }

  private Set<String> apiUids() {
    return fixture
        .cluster
        .pods()
        .inAnyNamespace()
        .withField("spec.nodeName", ClusterFixture.NODE)
        .list()
        .getItems()
        .stream()
        .map(Pod::getMetadata)
        .map(m -> m.getUid())
        .collect(Collectors.toSet());
  }

  private double relists(String resource) {
    return fixture.registry.scrape().stream()
        .filter(s -> s.getMetadata().getName().equals("podium_kubernetes_relists"))
        .map(CounterSnapshot.class::cast)
        .flatMap(s -> s.getDataPoints().stream())
        .filter(p -> p.getLabels().get("resource").equals(resource))
        .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
        .sum();
  }
}
