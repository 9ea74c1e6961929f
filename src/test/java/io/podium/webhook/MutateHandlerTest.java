package io.podium.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.podium.core.account.ServiceAccountLookup;
import io.podium.core.account.ServiceAccountProblems;
import io.podium.core.account.ServiceAccountView;
import io.podium.core.role.AllowedRoles;
import io.podium.core.role.NamespacePolicy;
import io.podium.core.role.RolePolicy;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The webhook's HTTP handling on an embedded channel: answers, refusals, and what survives them.
 */
class MutateHandlerTest {

  private static final int MAX_BODY = 64 * 1024;

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final WebhookMetrics metrics = new WebhookMetrics(registry);
  private final FakeAccounts accounts = new FakeAccounts();
  private final EmbeddedChannel channel =
      new EmbeddedChannel(
          new WebhookAggregator(MAX_BODY, metrics),
          new MutateHandler(
              new AdmissionCodec(new KubernetesSerialization()),
              new PodAdmission(
                  new PodMutation(WebhookSettings.defaults(), new RolePolicy(true)),
                  accounts,
                  accounts),
              metrics,
              Runnable::run));

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  private static ServiceAccountLookup.Found web(String permitted) {
    return new ServiceAccountLookup.Found(
        new ServiceAccountView(
            "shop", "web", "uid-web", Map.of("eks.amazonaws.com/role-arn", WebhookPods.ROLE)),
        NamespacePolicy.compile("shop", permitted, AllowedRoles.ABSENT, Optional.empty()));
  }

  private static FullHttpRequest post(String path, String contentType, String body) {
    FullHttpRequest request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1,
            HttpMethod.POST,
            path,
            Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    request.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    HttpUtil.setContentLength(request, request.content().readableBytes());
    return request;
  }

  private static FullHttpRequest review(String apiVersion) {
    return post(
        "/mutate?timeout=10s",
        "application/json",
        AdmissionReviews.create(apiVersion, "shop", AdmissionReviews.pod("web")));
  }

  private FullHttpResponse exchange(Object... messages) {
    for (Object message : messages) {
      channel.writeInbound(message);
    }
    FullHttpResponse response = channel.readOutbound();
    assertThat(response).as("a response").isNotNull();
    return response;
  }

  private static String body(FullHttpResponse response) {
    try {
      return response.content().toString(StandardCharsets.UTF_8);
    } finally {
      response.release();
    }
  }

  private double counted(String metric, String label, String value) {
    return registry.scrape().stream()
        .filter(s -> s.getMetadata().getName().equals(metric))
        .map(CounterSnapshot.class::cast)
        .flatMap(s -> s.getDataPoints().stream())
        .filter(p -> value.equals(p.getLabels().get(label)))
        .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
        .sum();
  }

  @Test
  void answersAV1ReviewWithTheBase64JsonPatch() {
    accounts.answer("shop", "web", web(".*"));

    FullHttpResponse response = exchange(review(AdmissionCodec.V1));

    assertThat(response.status().code()).isEqualTo(200);
    assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/json");
    JsonNode answer = Patches.tree(body(response));
    assertThat(answer.get("apiVersion").stringValue()).isEqualTo(AdmissionCodec.V1);
    assertThat(answer.at("/response/uid").stringValue()).isEqualTo(AdmissionReviews.UID);
    String patch =
        new String(
            Base64.getDecoder().decode(answer.at("/response/patch").stringValue()),
            StandardCharsets.UTF_8);
    assertThat(patch).contains("AWS_ROLE_ARN", "aws-iam-token");
    assertThat(counted("podium_webhook_admissions", "outcome", "mutated")).isEqualTo(1);
  }

  @Test
  void answersAV1beta1ReviewInV1beta1() {
    accounts.answer("shop", "web", web(".*"));

    JsonNode answer = Patches.tree(body(exchange(review(AdmissionCodec.V1BETA1))));

    assertThat(answer.get("apiVersion").stringValue()).isEqualTo(AdmissionCodec.V1BETA1);
    assertThat(answer.at("/response/patchType").stringValue()).isEqualTo("JSONPatch");
  }

  @Test
  void aDeniedRoleIsAllowedWithAWarningAndTheAccountIsTold() {
    accounts.answer("shop", "web", web("nothing"));

    JsonNode answer = Patches.tree(body(exchange(review(AdmissionCodec.V1))));

    assertThat(answer.at("/response/allowed").booleanValue()).isTrue();
    assertThat(answer.at("/response").has("patch")).isFalse();
    assertThat(answer.at("/response/warnings/0").stringValue())
        .contains("shop/web-7d9f8c-*", "not permitted in namespace shop");
    assertThat(accounts.told)
        .singleElement()
        .satisfies(
            told -> {
              assertThat(told.kind()).isEqualTo(ServiceAccountProblems.Refusal.POLICY_DENIED);
              assertThat(told.account().name()).isEqualTo("web");
              assertThat(told.pod()).isEqualTo("shop/web-7d9f8c-*");
            });
  }

  @Test
  void aDryRunTellsNobody() {
    accounts.answer("shop", "web", web("nothing"));
    String dryRun =
        AdmissionReviews.create(AdmissionCodec.V1, "shop", AdmissionReviews.pod("web"))
            .replace("\"dryRun\":false", "\"dryRun\":true");

    JsonNode answer = Patches.tree(body(exchange(post("/mutate", "application/json", dryRun))));

    assertThat(answer.at("/response/warnings/0").stringValue()).contains("not permitted");
    assertThat(accounts.told).isEmpty();
  }

  @Test
  void aLookupThatFailsIsAllowedUnmutatedWithAWarning() {
    accounts.answer(
        "shop", "web", CompletableFuture.failedFuture(new IllegalStateException("boom")));

    JsonNode answer = Patches.tree(body(exchange(review(AdmissionCodec.V1))));

    assertThat(answer.at("/response/allowed").booleanValue()).isTrue();
    assertThat(answer.at("/response/warnings/0").stringValue()).contains("boom");
    assertThat(counted("podium_webhook_admissions", "outcome", "service_account_unavailable"))
        .isEqualTo(1);
  }

  @Test
  void malformedJsonIsA400ThatSaysWhyAndTheConnectionServesTheNextRequest() {
    accounts.answer("shop", "web", web(".*"));

    FullHttpResponse bad = exchange(post("/mutate", "application/json", "{\"kind\": [1, 2"));
    FullHttpResponse good = exchange(review(AdmissionCodec.V1));

    assertThat(bad.status().code()).isEqualTo(400);
    assertThat(body(bad)).contains("not an AdmissionReview in JSON");
    assertThat(good.status().code()).isEqualTo(200);
    good.release();
    assertThat(channel.isActive()).isTrue();
    assertThat(counted("podium_webhook_rejected_requests", "reason", "bad_request")).isEqualTo(1);
  }

  @Test
  void anotherKindIsA400NamingIt() {
    FullHttpResponse response =
        exchange(post("/mutate", "application/json", AdmissionReviews.pod("web")));

    assertThat(response.status().code()).isEqualTo(400);
    assertThat(body(response)).contains("expected kind AdmissionReview", "got kind 'Pod'");
  }

  @Test
  void aBodyLargerThanTheLimitIsA413AndTheConnectionCloses() {
    HttpRequest start = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/mutate");
    start.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
    HttpUtil.setTransferEncodingChunked(start, true);
    byte[] chunk = new byte[16 * 1024];

    channel.writeInbound(start);
    for (int i = 0; i < 5 && channel.outboundMessages().isEmpty(); i++) {
      channel.writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(chunk)));
    }
    FullHttpResponse response = channel.readOutbound();

    assertThat(response.status().code()).isEqualTo(413);
    assertThat(body(response)).contains(Integer.toString(MAX_BODY));
    channel.runPendingTasks();
    assertThat(channel.isActive()).isFalse();
    assertThat(counted("podium_webhook_rejected_requests", "reason", "body_too_large"))
        .isEqualTo(1);
  }

  @Test
  void anAnnouncedBodyLargerThanTheLimitIsRefusedBeforeItArrives() {
    HttpRequest start = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/mutate");
    start.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
    HttpUtil.setContentLength(start, 50L * 1024 * 1024);

    FullHttpResponse response = exchange(start);

    assertThat(response.status().code()).isEqualTo(413);
    response.release();
  }

  @Test
  void otherPathsMethodsAndContentTypesAreRefusedWithTheirOwnStatus() {
    FullHttpResponse path = exchange(post("/validate", "application/json", "{}"));
    FullHttpResponse method =
        exchange(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/mutate"));
    FullHttpResponse type = exchange(post("/mutate", "application/xml", "<x/>"));

    assertThat(path.status().code()).isEqualTo(404);
    assertThat(method.status().code()).isEqualTo(405);
    assertThat(method.headers().get(HttpHeaderNames.ALLOW)).isEqualTo("POST");
    assertThat(type.status().code()).isEqualTo(415);
    assertThat(body(type)).contains("application/json");
    path.release();
    method.release();
  }

  @Test
  void acceptsJsonWithACharset() {
    assertThat(MutateHandler.isJson("application/json; charset=utf-8")).isTrue();
    assertThat(MutateHandler.isJson("Application/JSON")).isTrue();
    assertThat(MutateHandler.isJson("application/jsonp")).isFalse();
    assertThat(MutateHandler.isJson(null)).isFalse();
  }
}
