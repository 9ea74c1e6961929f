package io.podium.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.podium.core.account.ServiceAccountProblems;
import io.podium.core.account.ServiceAccountView;
import io.podium.testing.KubernetesApiMock;
import io.podium.testing.MutableClock;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KubernetesServiceAccountEventsTest {

  private final KubernetesApiMock api = KubernetesApiMock.start();
  private final NamespacedKubernetesClient client = api.client();
  private final MutableClock clock = MutableClock.at("2026-11-27T10:00:00Z");
  private final KubernetesServiceAccountEvents events =
      new KubernetesServiceAccountEvents(
          client, "webhook-0", clock, Duration.ofMinutes(5), 100, 16, new PrometheusRegistry());
  private final ServiceAccountView web =
      new ServiceAccountView(
          "shop", "web", "uid-web", Map.of("eks.amazonaws.com/role-arn", "arn:aws:iam::1:role/x"));

  @AfterEach
  void tearDown() {
    events.close();
    client.close();
    api.close();
  }

  private List<Event> eventsIn(String namespace) {
    return client.v1().events().inNamespace(namespace).list().getItems();
  }

  @Test
  void aRefusedRoleBecomesAWarningEventOnTheServiceAccountNamingThePod() {
    events.roleRefused(
        web,
        "shop/web-7d9f-*",
        ServiceAccountProblems.Refusal.POLICY_DENIED,
        "role arn:aws:iam::111122223333:role/x is not permitted in namespace shop");

    await().atMost(Duration.ofSeconds(10)).until(() -> eventsIn("shop").size() == 1);
    Event event = eventsIn("shop").getFirst();
    assertThat(event.getType()).isEqualTo("Warning");
    assertThat(event.getReason()).isEqualTo("IAMRoleDenied");
    assertThat(event.getInvolvedObject().getKind()).isEqualTo("ServiceAccount");
    assertThat(event.getInvolvedObject().getName()).isEqualTo("web");
    assertThat(event.getInvolvedObject().getUid()).isEqualTo("uid-web");
    assertThat(event.getMessage()).contains("shop/web-7d9f-*", "not permitted in namespace shop");
    assertThat(event.getReportingComponent()).isEqualTo("podium-webhook");
  }

  @Test
  void oneEventPerAccountAndReasonPerIntervalHoweverManyPods() {
    for (int i = 0; i < 10; i++) {
      events.roleRefused(
          web, "shop/web-" + i, ServiceAccountProblems.Refusal.POLICY_DENIED, "denied");
    }
    events.roleRefused(
        web, "shop/web-x", ServiceAccountProblems.Refusal.INVALID_ROLE, "not an ARN");

    await().atMost(Duration.ofSeconds(10)).until(() -> eventsIn("shop").size() == 2);
    assertThat(eventsIn("shop"))
        .extracting(Event::getReason)
        .containsExactlyInAnyOrder("IAMRoleDenied", "IAMRoleInvalid");

    clock.advance(Duration.ofMinutes(5));
    events.roleRefused(web, "shop/web-11", ServiceAccountProblems.Refusal.POLICY_DENIED, "denied");
    await().atMost(Duration.ofSeconds(10)).until(() -> eventsIn("shop").size() == 3);
  }
}
