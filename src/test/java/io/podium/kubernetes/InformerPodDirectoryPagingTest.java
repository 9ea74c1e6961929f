package io.podium.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.podium.core.pod.PodIdentity;
import io.podium.core.pod.PodLookup;
import io.podium.core.role.RoleBaseArn;
import io.podium.testing.ApiObjects;
import io.podium.testing.ManualScheduler;
import io.podium.testing.MutableClock;
import io.podium.testing.PagingApiServer;
import io.podium.testing.TestPods;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The informer directory listing a cluster larger than its page size, against {@link
 * PagingApiServer} (fabric8's CRUD mock ignores {@code limit} and {@code continue}).
 */
class InformerPodDirectoryPagingTest {

  private static final int PAGE = 7;
  private static final int LISTED = 23;
  private static final int ADDED = 5;

  private final List<Pod> pods =
      IntStream.range(0, LISTED + ADDED)
          .mapToObj(i -> ApiObjects.pod("shop", "web-" + i).ip("10.0.1." + (i + 1)).build())
          .toList();
  private final List<ServiceAccount> accounts = new ArrayList<>();
  private final PagingApiServer api;
  private final KubernetesClient client;
  private final InformerPodDirectory directory;

  InformerPodDirectoryPagingTest() {
    for (int i = 0; i < 10; i++) {
      accounts.add(ApiObjects.serviceAccount("shop", "account-" + i, null));
    }
    api =
        PagingApiServer.start(
            new PagingApiServer.Contents(
                List.of(ApiObjects.namespace("shop", ".*")), accounts, pods::get, LISTED));
    client = api.client();
    MutableClock clock = MutableClock.at("2030-01-01T00:00:00Z");
    directory =
        new InformerPodDirectory(
            client,
            new InformerPodDirectory.Settings(
                null,
                Optional.of(RoleBaseArn.parse("arn:aws:iam::123456789012:role/")),
                Duration.ofMillis(100),
                Duration.ofSeconds(30),
                PAGE),
            clock,
            new ManualScheduler(clock),
            new PrometheusRegistry());
  }

  @AfterEach
  void tearDown() {
    directory.close();
    client.close();
    api.close();
  }

  @Test
  void followsTheContinueTokensUntilEveryPodIsListed() throws Exception {
    directory.start();

    assertThat(directory.pods())
        .extracting(PodIdentity::name)
        .containsExactlyInAnyOrderElementsOf(
            pods.subList(0, LISTED).stream().map(p -> p.getMetadata().getName()).toList());
    List<String> podLists =
        api.requests().stream()
            .filter(path -> path.startsWith("/api/v1/pods?") && !path.contains("watch=true"))
            .toList();
    // 23 pods in pages of 7: 7, 7, 7 and 2, each page after the first continuing the one before.
    assertThat(podLists).hasSize(4).allMatch(path -> path.contains("limit=" + PAGE));
    assertThat(podLists.subList(1, 4)).allMatch(path -> path.contains("continue="));
    assertThat(api.requests())
        .filteredOn(path -> path.startsWith("/api/v1/serviceaccounts?") && !path.contains("watch"))
        .hasSize(2);
    PodLookup last =
        directory
            .findByIp(TestPods.ip("10.0.1." + LISTED))
            .toCompletableFuture()
            .get(5, TimeUnit.SECONDS);
    assertThat(last)
        .isInstanceOfSatisfying(
            PodLookup.Found.class,
            found -> assertThat(found.pod().name()).isEqualTo("web-" + (LISTED - 1)));
  }

  @Test
  void podsAddedAfterTheListArriveOverTheWatch() throws Exception {
    directory.start();

    api.addPods(ADDED).get(10, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(10)).until(() -> directory.pods().size() == LISTED + ADDED);
    assertThat(directory.pods())
        .extracting(PodIdentity::name)
        .contains("web-" + (LISTED + ADDED - 1));
    assertThat(api.requests())
        .anyMatch(path -> path.startsWith("/api/v1/pods?") && path.contains("watch=true"));
  }
}
