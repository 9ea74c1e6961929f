package io.podium.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.podium.core.role.RolePolicy;
import io.podium.kubernetes.InformerServiceAccountDirectory;
import io.podium.kubernetes.KubernetesServiceAccountEvents;
import io.podium.testing.ApiObjects;
import io.podium.testing.KubernetesApiMock;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The webhook's handling wired to the Kubernetes adapters against fabric8's mock API server: a pod
 * whose service account the informers have not seen yet is still mutated (upstream's silent miss),
 * and a role the namespace refuses becomes an Event on the service account.
 */
class WebhookAgainstApiServerTest {

  private static final String ROLE = "arn:aws:iam::111122223333:role/s3-reader";

  private final KubernetesApiMock api = KubernetesApiMock.start();
  private final NamespacedKubernetesClient client = api.client();
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  // Informers never started: every account is a cache miss, as one created a moment ago.
  private final InformerServiceAccountDirectory accounts =
      new InformerServiceAccountDirectory(
          client,
          new InformerServiceAccountDirectory.Settings(
              Set.of("eks.amazonaws.com"),
              Optional.empty(),
              Duration.ofSeconds(5),
              Duration.ofSeconds(10)),
          registry);
  private final KubernetesServiceAccountEvents events =
      new KubernetesServiceAccountEvents(
          client, "webhook-0", Clock.systemUTC(), Duration.ofMinutes(5), registry);
  private final WebhookMetrics metrics = new WebhookMetrics(registry);
  private final EmbeddedChannel channel =
      new EmbeddedChannel(
          new WebhookAggregator(1024 * 1024, metrics),
          new MutateHandler(
              new AdmissionCodec(new KubernetesSerialization()),
              new PodAdmission(
                  new PodMutation(WebhookSettings.defaults(), new RolePolicy(true)),
                  accounts,
                  events),
              metrics,
              executor));

  @AfterEach
  void tearDown() {
    channel.finishAndReleaseAll();
    executor.shutdownNow();
    events.close();
    accounts.close();
    client.close();
    api.close();
  }

  private JsonNode admit(String namespace, String serviceAccount) {
    String review =
        AdmissionReviews.create(AdmissionCodec.V1, namespace, AdmissionReviews.pod(serviceAccount));
    FullHttpRequest request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1,
            HttpMethod.POST,
            "/mutate",
            Unpooled.copiedBuffer(review, StandardCharsets.UTF_8));
    request.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
    HttpUtil.setContentLength(request, request.content().readableBytes());
    channel.writeInbound(request);
    FullHttpResponse response =
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () -> {
                  channel.runPendingTasks();
                  return channel.<FullHttpResponse>readOutbound();
                },
                r -> r != null);
    try {
      assertThat(response.status().code()).isEqualTo(200);
      return Patches.tree(response.content().toString(StandardCharsets.UTF_8));
    } finally {
      response.release();
    }
  }

  @Test
  void mutatesAPodWhoseServiceAccountIsNotCachedYetByReadingItFromTheApiServer() {
    client.resource(ApiObjects.namespace("shop", ".*:role/s3-.*")).create();
    client.resource(ApiObjects.serviceAccount("shop", "web", ROLE)).create();

    JsonNode answer = admit("shop", "web");

    String patch =
        new String(
            Base64.getDecoder().decode(answer.at("/response/patch").stringValue()),
            StandardCharsets.UTF_8);
    assertThat(patch).contains(ROLE, "aws-iam-token");
    assertThat(api.requests()).contains("/api/v1/namespaces/shop/serviceaccounts/web");
  }

  @Test
  void aRoleTheNamespaceRefusesIsAWarningAndAnEventOnTheServiceAccount() {
    client.resource(ApiObjects.namespace("shop", ".*:role/dynamo-.*")).create();
    client.resource(ApiObjects.serviceAccount("shop", "web", ROLE)).create();

    JsonNode answer = admit("shop", "web");

    assertThat(answer.at("/response").has("patch")).isFalse();
    assertThat(answer.at("/response/warnings/0").stringValue()).contains("not permitted");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !client.v1().events().inNamespace("shop").list().getItems().isEmpty());
    List<Event> recorded = client.v1().events().inNamespace("shop").list().getItems();
    assertThat(recorded)
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.getInvolvedObject().getKind()).isEqualTo("ServiceAccount");
              assertThat(event.getInvolvedObject().getName()).isEqualTo("web");
              assertThat(event.getReason()).isEqualTo("IAMRoleDenied");
              assertThat(event.getMessage()).contains("shop/web-7d9f8c-*", ROLE);
            });
  }
}
