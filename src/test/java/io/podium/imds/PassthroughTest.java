package io.podium.imds;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.testing.LogCapture;
import io.podium.testing.MutableClock;
import io.podium.testing.TestPods;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Passthrough to a fake metadata service on loopback: the default allow-list, a replacement regex,
 * the hard deny list no regex lifts, an IMDSv2-only upstream, and upstream failures.
 */
class PassthroughTest {

  @RegisterExtension final LogCapture logs = new LogCapture();

  private final FakeCallerCredentials callers =
      new FakeCallerCredentials(new MutableClock(EmbeddedImds.START));
  private FakeUpstream upstream;
  private LoopbackImds imds;

  @BeforeEach
  void setUp() throws Exception {
    callers.permit(
        "127.0.0.1",
        TestPods.running("team-a", "web").withIp("127.0.0.1").build(),
        "arn:aws:iam::123456789012:role/reader");
    upstream =
        new FakeUpstream()
            .answer("/latest/meta-data/instance-id", "i-0123456789abcdef0")
            .answer("/latest/meta-data/placement/availability-zone", "eu-west-1b")
            .answer("/latest/meta-data/placement/availability-zone-id", "euw1-az2")
            .answer("/latest/meta-data/placement/region", "eu-west-1")
            .answer("/latest/meta-data/local-ipv4", "10.1.2.3")
            .answer("/latest/dynamic/instance-identity/document", "{\"region\":\"eu-west-1\"}")
            .answer("/latest/meta-data/public-keys/", "0=node-key")
            .answer("/latest/user-data", "#!/bin/sh\nexport DB_PASSWORD=hunter2")
            .answer("/latest/meta-data/iam/security-credentials/node-role", "{\"node\":true}")
            .answer("/latest/meta-data/iam/info", "{\"node\":true}");
  }

  @AfterEach
  void tearDown() {
    if (imds != null) {
      imds.close();
    }
    upstream.close();
  }

  private LoopbackImds start(MetadataSettings.Builder settings) {
    imds = new LoopbackImds(settings.upstream(upstream.uri()).build(), callers);
    return imds;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/latest/meta-data/instance-id",
        "/latest/meta-data/placement/availability-zone-id",
        "/latest/meta-data/local-ipv4",
        "/latest/dynamic/instance-identity/document"
      })
  void passesTheDefaultAllowListThrough(String path) throws Exception {
    start(MetadataSettings.builder());

    HttpResponse<String> response = imds.get(path);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isNotEmpty();
    assertThat(response.headers().firstValue("Server")).hasValue("EC2ws");
    assertThat(upstream.gets()).extracting(FakeUpstream.Seen::path).containsExactly(path);
  }

  @Test
  void copiesTheUpstreamStatus() throws Exception {
    start(MetadataSettings.builder());

    HttpResponse<String> response = imds.get("/latest/meta-data/placement/partition-number");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(upstream.gets()).hasSize(1);
  }

  @Test
  void answers404OutsideTheAllowListWithoutAskingUpstream() throws Exception {
    start(MetadataSettings.builder());

    HttpResponse<String> response = imds.get("/latest/meta-data/public-keys/");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(upstream.seen).isEmpty();
    assertThat(AgentLogs.lines(logs))
        .singleElement()
        .asString()
        .contains("not in the passthrough allow-list");
  }

  @Test
  void replacesTheDefaultAllowListWithTheRegexp() throws Exception {
    start(MetadataSettings.builder().allowRouteRegexp("/latest/meta-data/public-keys/.*"));

    assertThat(imds.get("/latest/meta-data/public-keys/").statusCode()).isEqualTo(200);
    assertThat(imds.get("/latest/meta-data/instance-id").statusCode()).isEqualTo(404);
    assertThat(upstream.gets())
        .extracting(FakeUpstream.Seen::path)
        .containsExactly("/latest/meta-data/public-keys/");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/latest/user-data",
        "/latest/user-data/",
        "/2009-04-04/user-data",
        "/latest/USER-DATA",
        "/2016-09-02/meta-data/iam/security-credentials/node-role",
        "/latest/meta-data/identity-credentials/ec2/security-credentials/ec2-instance",
        "/latest/meta-data/identity-credentials/ec2/info",
        "/latest/dynamic/instance-identity/signature",
        "/latest/dynamic/instance-identity/pkcs7",
        "/latest/dynamic/instance-identity/rsa2048",
        "/latest/dynamic/instance-identity/ed25519"
      })
  void neverPassesTheHardDenyListWhateverTheRegexp(String path) throws Exception {
    start(MetadataSettings.builder().allowRouteRegexp(".*"));

    HttpResponse<String> response = imds.get(path);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).doesNotContain("hunter2").doesNotContain("node");
    assertThat(upstream.seen).isEmpty();
    assertThat(AgentLogs.lines(logs)).singleElement().asString().contains("never passed through");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/latest/user-data;",
        "/latest/user-data:",
        "/latest/user-data~",
        "/latest/meta-data/iam;",
        "/latest/meta-data/iam:",
        "/latest/user-data;jsessionid=1",
        "/latest;/user-data",
        "/latest/dynamic/instance-identity/signature;"
      })
  void neverPassesADeniedPathWithASuffixOrAParameterWhateverTheRegexp(String path)
      throws Exception {
    start(MetadataSettings.builder().allowRouteRegexp("/.*"));

    HttpResponse<String> response = imds.get(path);

    assertThat(response.statusCode()).isIn(400, 404);
    assertThat(response.body()).doesNotContain("hunter2").doesNotContain("node");
    assertThat(upstream.seen).isEmpty();
  }

  @Test
  void answersTheIamTreeItselfEvenWithAnOpenRegexp() throws Exception {
    start(MetadataSettings.builder().allowRouteRegexp(".*"));

    assertThat(imds.get("/latest/meta-data/iam/security-credentials/").body()).isEqualTo("reader");
    assertThat(imds.get("/latest/meta-data/iam/security-credentials/node-role").statusCode())
        .isEqualTo(404);
    assertThat(imds.get("/latest/meta-data/iam/info").body()).doesNotContain("node");
    assertThat(upstream.seen).isEmpty();
  }

  @Test
  void answers404WhenPassthroughIsOff() throws Exception {
    imds = new LoopbackImds(MetadataSettings.builder().upstream(null).build(), callers);

    HttpResponse<String> response = imds.get("/latest/meta-data/instance-id");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(AgentLogs.lines(logs)).singleElement().asString().contains("passthrough is off");
  }

  @Test
  void answersPlacementFromConfiguration() throws Exception {
    start(MetadataSettings.builder().region("us-east-2").availabilityZone("us-east-2c"));

    assertThat(imds.get("/latest/meta-data/placement/region").body()).isEqualTo("us-east-2");
    assertThat(imds.get("/latest/meta-data/placement/availability-zone").body())
        .isEqualTo("us-east-2c");
    assertThat(imds.get("/latest/meta-data/placement/availability-zone/").body())
        .isEqualTo("us-east-2c");
    assertThat(upstream.seen).isEmpty();
    assertThat(imds.get("/latest/meta-data/placement/availability-zone-id").body())
        .isEqualTo("euw1-az2");
  }

  @Test
  void passesPlacementThroughWhenNotConfigured() throws Exception {
    start(MetadataSettings.builder());

    assertThat(imds.get("/latest/meta-data/placement/availability-zone").body())
        .isEqualTo("eu-west-1b");
    assertThat(imds.get("/latest/meta-data/placement/region").body()).isEqualTo("eu-west-1");
  }

  @Test
  void answersPlacementWith404WhenNeitherConfiguredNorPassedThrough() throws Exception {
    imds = new LoopbackImds(MetadataSettings.builder().build(), callers);

    assertThat(imds.get("/latest/meta-data/placement/region").statusCode()).isEqualTo(404);
  }

  @Test
  void neverForwardsTheCallersTokenOrHeaders() throws Exception {
    start(MetadataSettings.builder());
    String token =
        imds.put("/latest/api/token", "X-aws-ec2-metadata-token-ttl-seconds", "60").body();

    imds.get(
        "/latest/meta-data/instance-id",
        "X-aws-ec2-metadata-token",
        token,
        "X-Forwarded-For",
        "10.9.9.9");

    assertThat(upstream.seen)
        .singleElement()
        .satisfies(
            seen -> {
              assertThat(seen.token()).isNull();
              assertThat(seen.forwardedFor()).isNull();
            });
  }

  @Test
  void usesItsOwnTokenWithAnImdsv2OnlyUpstream() throws Exception {
    upstream.requireTokens();
    start(MetadataSettings.builder());

    assertThat(imds.get("/latest/meta-data/instance-id").body()).isEqualTo("i-0123456789abcdef0");
    assertThat(imds.get("/latest/meta-data/local-ipv4").body()).isEqualTo("10.1.2.3");
    assertThat(imds.get("/latest/meta-data/instance-id").statusCode()).isEqualTo(200);

    assertThat(upstream.tokensIssued()).isEqualTo(1);
    assertThat(upstream.gets())
        .extracting(FakeUpstream.Seen::token)
        .containsExactly(null, "upstream-token-1", "upstream-token-1", "upstream-token-1");
    assertThat(logs.allOutput()).doesNotContain("upstream-token-1");
  }

  @Test
  void fetchesANewUpstreamTokenWhenTheOldOneIsRefused() throws Exception {
    upstream.requireTokens();
    start(MetadataSettings.builder());
    assertThat(imds.get("/latest/meta-data/instance-id").statusCode()).isEqualTo(200);

    upstream.invalidateTokens();

    assertThat(imds.get("/latest/meta-data/instance-id").statusCode()).isEqualTo(200);
    assertThat(upstream.tokensIssued()).isEqualTo(2);
  }

  @Test
  void answers502WhenTheUpstreamIsDown() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    imds =
        new LoopbackImds(
            MetadataSettings.builder()
                .upstream(URI.create("http://127.0.0.1:" + closedPort))
                .build(),
            callers);

    HttpResponse<String> response = imds.get("/latest/meta-data/instance-id");

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(AgentLogs.events(logs))
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.getLevel()).hasToString("WARN");
              assertThat(event.getFormattedMessage()).contains("with 502: upstream");
            });
  }

  @Test
  void answers502WhenTheUpstreamIsTooSlow() throws Exception {
    upstream.delay(Duration.ofSeconds(2));
    start(MetadataSettings.builder().upstreamTimeout(Duration.ofMillis(300)));

    long started = System.nanoTime();
    HttpResponse<String> response = imds.get("/latest/meta-data/instance-id");

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void answers502WhenTheUpstreamAnswerIsTooLarge() throws Exception {
    upstream.repeatBodies(10_000);
    start(MetadataSettings.builder().maxUpstreamBodyBytes(64 * 1024));

    HttpResponse<String> response = imds.get("/latest/meta-data/instance-id");

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(AgentLogs.lines(logs)).singleElement().asString().contains("larger than 65536");
  }

  @Test
  void countsPassthroughRequests() throws Exception {
    start(MetadataSettings.builder());

    imds.get("/latest/meta-data/instance-id");
    imds.get("/latest/user-data");

    assertThat(Exposition.text(imds.registry))
        .contains("podium_metadata_requests_total{route=\"passthrough\",status=\"200\"} 1.0")
        .contains("podium_metadata_requests_total{route=\"passthrough\",status=\"404\"} 1.0")
        .contains("podium_metadata_rejected_total{reason=\"path_denied\"} 1.0");
  }
}
