package io.podium.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.podium.core.RoleOutcome;
import io.podium.core.broker.StsCallException;
import io.podium.core.pod.PodIdentity;
import io.podium.core.role.RoleArn;
import io.podium.testing.ApiObjects;
import io.podium.testing.KubernetesApiMock;
import io.podium.testing.MutableClock;
import io.podium.testing.TestPods;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KubernetesPodEventsTest {

  private final KubernetesApiMock api = KubernetesApiMock.start();
  private final NamespacedKubernetesClient client = api.client();
  private final MutableClock clock = MutableClock.at("2026-11-27T10:00:00Z");
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final KubernetesPodEvents events =
      new KubernetesPodEvents(client, "node-1", clock, Duration.ofMinutes(5), 3, 16, registry);
  private final PodIdentity web =
      TestPods.running("shop", "web").withIp("10.0.0.5").withRole("writer").build();

  @AfterEach
  void tearDown() {
    events.close();
    client.close();
    api.close();
  }

  private List<Event> eventsIn(String namespace) {
    return client.v1().events().inNamespace(namespace).list().getItems();
  }

  private double suppressed(String cause) {
    return registry.scrape().stream()
        .filter(s -> s.getMetadata().getName().equals("podium_kubernetes_events_suppressed"))
        .map(CounterSnapshot.class::cast)
        .flatMap(s -> s.getDataPoints().stream())
        .filter(p -> p.getLabels().get("cause").equals(cause))
        .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
        .sum();
  }

  private static RoleOutcome.Refused denied(PodIdentity pod) {
    return new RoleOutcome.Refused(
        RoleOutcome.Refusal.POLICY_DENIED,
        "role arn:aws:iam::123456789012:role/writer is not permitted in namespace shop",
        pod);
  }

  @Test
  void aDeniedRoleBecomesAWarningEventOnThePod() {
    events.roleRefused(web, denied(web));

    await().atMost(Duration.ofSeconds(10)).until(() -> eventsIn("shop").size() == 1);
    Event event = eventsIn("shop").getFirst();
    assertThat(event.getType()).isEqualTo("Warning");
    assertThat(event.getReason()).isEqualTo("IAMRoleDenied");
    assertThat(event.getMessage()).contains("role/writer").contains("not permitted");
    assertThat(event.getInvolvedObject().getKind()).isEqualTo("Pod");
    assertThat(event.getInvolvedObject().getName()).isEqualTo("web");
    assertThat(event.getInvolvedObject().getUid()).isEqualTo(web.uid());
    assertThat(event.getReportingInstance()).isEqualTo("node-1");
  }

  @Test
  void anStsFailureNamesTheRoleAndTheErrorCodeButNoSecret() {
    events.stsFailed(
        web,
        RoleArn.parse("arn:aws:iam::123456789012:role/writer"),
        new StsCallException.AccessDenied("AccessDenied", "not authorized to assume", null));

    await().atMost(Duration.ofSeconds(10)).until(() -> eventsIn("shop").size() == 1);
    Event event = eventsIn("shop").getFirst();
    assertThat(event.getReason()).isEqualTo("IAMCredentialsFailed");
    assertThat(event.getMessage())
        .contains("arn:aws:iam::123456789012:role/writer")
        .contains("AccessDenied");
  }

  @Test
  void oneEventPerPodAndReasonPerIntervalWithBoundedMemory() {
    for (int i = 0; i < 10; i++) {
      events.roleRefused(web, denied(web));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> eventsIn("shop").size() == 1);

    clock.advance(Duration.ofMinutes(5));
    events.roleRefused(web, denied(web));
    await().atMost(Duration.ofSeconds(10)).until(() -> eventsIn("shop").size() == 2);

    for (int i = 0; i < 20; i++) {
      PodIdentity other = TestPods.running("shop", "other-" + i).withIp("10.0.1." + i).build();
      events.roleRefused(other, denied(other));
    }
    assertThat(events.remembered()).isLessThanOrEqualTo(3);
    await().atMost(Duration.ofSeconds(10)).until(() -> events.queued() == 0);
    assertThat(suppressed("rate_limited")).isEqualTo(9);
  }

  @Test
  void hostAddressRefusalsHaveNoPodToTell() {
    events.roleRefused(
        web, new RoleOutcome.Refused(RoleOutcome.Refusal.HOST_ADDRESS, "the node's address", web));
    events.roleRefused(web, denied(web));

    await().atMost(Duration.ofSeconds(10)).until(() -> eventsIn("shop").size() == 1);
    assertThat(eventsIn("shop").getFirst().getReason()).isEqualTo("IAMRoleDenied");
  }

  @Test
  void aPodDeniedAsItAppearsGetsItsEventBeforeItAsks() {
    try (ClusterFixture fixture = new ClusterFixture(Duration.ofMillis(200))) {
      fixture.create(ApiObjects.namespace("shop", "reader"));
      fixture.create(ApiObjects.pod("shop", "web").ip("10.0.0.5").role("writer").build());
      try (KubernetesPodEvents clusterEvents =
          new KubernetesPodEvents(
              fixture.cluster, "node-1", clock, Duration.ofMinutes(5), new PrometheusRegistry())) {
        fixture.start(clusterEvents);

        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    fixture.cluster.v1().events().inNamespace("shop").list().getItems().stream()
                        .anyMatch(e -> e.getReason().equals("IAMRoleDenied")));
      }
    }
  }
}
