package io.podium.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.podium.core.broker.BrokerSettings;
import io.podium.core.broker.CredentialIssuer;
import io.podium.core.broker.IssuedCredentials;
import io.podium.core.pod.PodChangeListener;
import io.podium.core.pod.PodIdentity;
import io.podium.core.session.SessionDurations;
import io.podium.core.session.SessionRequest;
import io.podium.testing.ApiObjects;
import io.podium.testing.FakeIssuer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * 500 pods created at once through the API server: every one is prefetched, none is dropped, and
 * STS is called once per distinct session however the pods share them. Also measures (prints, does
 * not assert) the time from a pod's add event reaching Podium to its credentials being issued.
 */
class BulkPrefetchTest {

  private static final int PODS = 500;

  /** Records when each session's credentials were issued, then issues like {@link FakeIssuer}. */
  private static final class TimedIssuer implements CredentialIssuer {
    final FakeIssuer delegate = new FakeIssuer(Clock.systemUTC());
    final Map<String, Long> issuedAtNanos = new ConcurrentHashMap<>();

    @Override
    public IssuedCredentials issue(SessionRequest request) {
      IssuedCredentials issued = delegate.issue(request);
      issuedAtNanos.putIfAbsent(request.sessionName(), System.nanoTime());
      return issued;
    }
  }

  private final TimedIssuer issuer = new TimedIssuer();
  private final ClusterFixture fixture =
      new ClusterFixture(
          Duration.ofMillis(500),
          // A generous STS rate: this measures Podium, not the rate limit (which queues, and
          // drops nothing, either way).
          new BrokerSettings(
              SessionDurations.defaults(),
              Duration.ofSeconds(30),
              Duration.ofSeconds(1),
              Duration.ofSeconds(60),
              10_000,
              10_000,
              16,
              Duration.ofHours(1),
              Duration.ofMinutes(1)),
          issuer);
  private final Map<String, Long> addedAtNanos = new ConcurrentHashMap<>();

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  @Test
  void fiveHundredPodsAtOnceAreAllPrefetchedWithOneStsCallPerSession() throws Exception {
    fixture.create(ApiObjects.namespace("bulk", ".*"));
    fixture.directory.addListener(
        new PodChangeListener() {
          @Override
          public void podUpserted(PodIdentity pod) {
            addedAtNanos.putIfAbsent("bulk@" + pod.name(), System.nanoTime());
          }

          @Override
          public void podRemoved(PodIdentity pod) {}
        });
    fixture.start();

    // Ten roles, but the default session name ({namespace}@{pod}) makes every pod its own session.
    List<Pod> pods = new ArrayList<>();
    for (int i = 0; i < PODS; i++) {
      ApiObjects.PodSpec pod =
          ApiObjects.pod("bulk", "pod-" + i)
              .ip("10.2." + (i / 250) + "." + (i % 250 + 1))
              .role("role-" + (i % 10));
      pods.add(pod.build());
    }
    ExecutorService writers = Executors.newFixedThreadPool(8);
    List<Future<Pod>> created = new ArrayList<>();
    for (Pod pod : pods) {
      created.add(writers.submit(() -> fixture.create(pod)));
    }
    for (Future<Pod> future : created) {
      future.get();
    }
    writers.shutdown();

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> issuer.delegate.calls() >= PODS && fixture.broker.pendingPrefetches() == 0);

    assertThat(fixture.directory.pods()).hasSize(PODS);
    assertThat(issuer.delegate.calls())
        .as("one STS call per distinct session (each pod is its own session here)")
        .isEqualTo(PODS);
    assertThat(fixture.broker.sessionCount()).isEqualTo(PODS);
    assertThat(fixture.broker.pendingPrefetches()).isZero();

    long[] latencies =
        issuer.issuedAtNanos.entrySet().stream()
            .filter(e -> addedAtNanos.containsKey(e.getKey()))
            .mapToLong(e -> e.getValue() - addedAtNanos.get(e.getKey()))
            .sorted()
            .toArray();
    assertThat(latencies).hasSize(PODS);
    System.out.printf(
        "add event -> credentials issued over %d pods: p50=%.2f ms p99=%.2f ms max=%.2f ms%n",
        latencies.length,
        latencies[latencies.length / 2] / 1e6,
        latencies[(int) Math.ceil(latencies.length * 0.99) - 1] / 1e6,
        Arrays.stream(latencies).max().orElseThrow() / 1e6);
  }

  @Test
  void podsSharingASessionCostOneStsCall() throws Exception {
    Namespace bulk = ApiObjects.namespace("bulk", ".*");
    bulk.getMetadata().getAnnotations().put("podium.io/allow-pod-session-names", "true");
    fixture.create(bulk);
    fixture.start();
    for (int i = 0; i < 50; i++) {
      Pod pod = ApiObjects.pod("bulk", "replica-" + i).ip("10.3.0." + (i + 1)).role("web").build();
      pod.getMetadata().getAnnotations().put("iam.amazonaws.com/session-name", "web");
      fixture.create(pod);
    }

    await().atMost(Duration.ofSeconds(30)).until(() -> fixture.directory.pods().size() == 50);
    await().atMost(Duration.ofSeconds(30)).until(() -> fixture.broker.pendingPrefetches() == 0);

    assertThat(issuer.delegate.calls()).isEqualTo(1);
    assertThat(fixture.broker.sessionCount()).isEqualTo(1);
  }
}
