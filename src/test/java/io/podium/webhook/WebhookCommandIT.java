package io.podium.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigInteger;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code podium webhook --pods-file … --listen 127.0.0.1:PORT --tls-cert … --tls-key …} as a real
 * process: AdmissionReviews of both versions over HTTPS, the bad input an API server (or anyone)
 * might send, and a certificate rotated on disk.
 */
class WebhookCommandIT {

  static final String ACCOUNTS =
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: shop
        annotations:
          iam.amazonaws.com/permitted: ".*:role/s3-.*"
      ---
      apiVersion: v1
      kind: ServiceAccount
      metadata:
        name: web
        namespace: shop
        annotations:
          eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/s3-reader
      ---
      apiVersion: v1
      kind: ServiceAccount
      metadata:
        name: admin
        namespace: shop
        annotations:
          eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/admin
      """;

  @TempDir static Path dir;

  private static WebhookProcess webhook;

  @BeforeAll
  static void start() throws Exception {
    webhook =
        WebhookProcess.start(
            dir, ACCOUNTS, "--aws-default-region", "us-east-1", "--sts-regional-endpoint");
  }

  @AfterAll
  static void stop() throws Exception {
    if (webhook != null) {
      webhook.close();
    }
  }

  private static String patchOf(JsonNode answer) {
    return new String(
        Base64.getDecoder().decode(answer.at("/response/patch").stringValue()),
        StandardCharsets.UTF_8);
  }

  @Test
  void answersAV1AdmissionReviewWithThePatchInV1() throws Exception {
    HttpResponse<String> response =
        webhook.review(
            AdmissionReviews.create(AdmissionCodec.V1, "shop", AdmissionReviews.pod("web")));

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode answer = Patches.tree(response.body());
    assertThat(answer.get("apiVersion").stringValue()).isEqualTo("admission.k8s.io/v1");
    assertThat(answer.at("/response/uid").stringValue()).isEqualTo(AdmissionReviews.UID);
    assertThat(answer.at("/response/allowed").booleanValue()).isTrue();
    assertThat(answer.at("/response/patchType").stringValue()).isEqualTo("JSONPatch");
    assertThat(patchOf(answer))
        .contains(
            "arn:aws:iam::111122223333:role/s3-reader",
            "/var/run/secrets/eks.amazonaws.com/serviceaccount/token",
            "\"AWS_STS_REGIONAL_ENDPOINTS\"",
            "\"AWS_DEFAULT_REGION\"");
  }

  @Test
  void answersAV1beta1AdmissionReviewInV1beta1() throws Exception {
    HttpResponse<String> response =
        webhook.review(
            AdmissionReviews.create(AdmissionCodec.V1BETA1, "shop", AdmissionReviews.pod("web")));

    JsonNode answer = Patches.tree(response.body());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(answer.get("apiVersion").stringValue()).isEqualTo("admission.k8s.io/v1beta1");
    assertThat(patchOf(answer)).contains("aws-iam-token");
  }

  @Test
  void admitsAPodWhoseRoleTheNamespaceRefusesWithAWarningAndNoPatch() throws Exception {
    JsonNode answer =
        Patches.tree(
            webhook
                .review(
                    AdmissionReviews.create(
                        AdmissionCodec.V1, "shop", AdmissionReviews.pod("admin")))
                .body());

    assertThat(answer.at("/response/allowed").booleanValue()).isTrue();
    assertThat(answer.at("/response").has("patch")).isFalse();
    assertThat(answer.at("/response/warnings/0").stringValue())
        .contains("role/admin", "not permitted in namespace shop");
  }

  @Test
  void refusesBadInputWithAClearStatusLogsItAndKeepsServing() throws Exception {
    HttpResponse<String> malformed =
        webhook.post(
            "/mutate", "application/json", HttpRequest.BodyPublishers.ofString("{\"request\": ["));
    HttpResponse<String> wrongKind =
        webhook.post(
            "/mutate",
            "application/json",
            HttpRequest.BodyPublishers.ofString(AdmissionReviews.pod("web")));
    HttpResponse<String> notJson =
        webhook.post("/mutate", "text/plain", HttpRequest.BodyPublishers.ofString("hello"));
    byte[] huge = new byte[5 * 1024 * 1024];
    HttpResponse<String> tooLarge =
        webhook.post(
            "/mutate", "application/json", HttpRequest.BodyPublishers.ofByteArray(huge), true);
    HttpResponse<String> good =
        webhook.review(
            AdmissionReviews.create(AdmissionCodec.V1, "shop", AdmissionReviews.pod("web")));

    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.body()).contains("not an AdmissionReview in JSON");
    assertThat(wrongKind.statusCode()).isEqualTo(400);
    assertThat(wrongKind.body()).contains("expected kind AdmissionReview", "got kind 'Pod'");
    assertThat(notJson.statusCode()).isEqualTo(415);
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(tooLarge.body()).contains("4194304");
    assertThat(good.statusCode()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(webhook.process().stdout())
                    .contains("Refused a request", "with 400", "with 413", "with 415"));
    assertThat(webhook.process().isAlive()).isTrue();
    assertThat(webhook.metrics())
        .contains("podium_webhook_rejected_requests_total{reason=\"bad_request\"}")
        .contains("podium_webhook_admissions_total{outcome=\"mutated\"}");
  }

  @Test
  void servesARotatedCertificateWithoutARestart() throws Exception {
    BigInteger before = webhook.servedCertificate().getSerialNumber();

    // podium certs again: the same CA, a new webhook certificate in place of the old.
    WebhookProcess.issueCertificate(dir);

    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(() -> !webhook.servedCertificate().getSerialNumber().equals(before));
    assertThat(
            webhook
                .review(
                    AdmissionReviews.create(AdmissionCodec.V1, "shop", AdmissionReviews.pod("web")))
                .statusCode())
        .isEqualTo(200);
  }
}
