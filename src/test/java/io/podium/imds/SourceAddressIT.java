package io.podium.imds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podium.testing.LogCapture;
import io.podium.testing.TestPods;
import java.net.SocketException;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

/**
 * Over real sockets on loopback, clients bound to 127.0.0.1 and 127.0.0.2 are two pods: each gets
 * its own role and credentials, decided by the TCP peer address alone.
 */
class SourceAddressIT {

  private static final String LIST = "/latest/meta-data/iam/security-credentials/";
  private static final String TTL = "X-aws-ec2-metadata-token-ttl-seconds: 21600";

  @RegisterExtension final LogCapture logs = new LogCapture();

  private final JsonMapper json = JsonMapper.builder().build();
  private final FakeCallerCredentials callers = new FakeCallerCredentials(Clock.systemUTC());
  private LoopbackImds imds;

  @BeforeEach
  void setUp() {
    callers
        .permit(
            "127.0.0.1",
            TestPods.running("team-a", "web").withIp("127.0.0.1").build(),
            "arn:aws:iam::123456789012:role/reader")
        .permit(
            "127.0.0.2",
            TestPods.running("team-b", "api").withIp("127.0.0.2").build(),
            "arn:aws:iam::123456789012:role/writer");
    imds =
        new LoopbackImds(
            MetadataSettings.builder()
                .requestTimeout(Duration.ofMillis(500))
                .responseTimeout(Duration.ofMillis(250))
                .build(),
            callers);
  }

  @AfterEach
  void tearDown() {
    imds.close();
  }

  @Test
  void twoSourceAddressesGetTwoRoles() throws Exception {
    try (RawHttp web = new RawHttp("127.0.0.1", imds.server.port());
        RawHttp api = new RawHttp("127.0.0.2", imds.server.port())) {
      assertThat(web.get(LIST).body()).isEqualTo("reader");
      assertThat(api.get(LIST).body()).isEqualTo("writer");
      assertThat(accessKey(web.get(LIST + "reader").body()))
          .isEqualTo(callers.credentialsOf("127.0.0.1").accessKeyId());
      assertThat(accessKey(api.get(LIST + "writer").body()))
          .isEqualTo(callers.credentialsOf("127.0.0.2").accessKeyId());
    }
  }

  @Test
  void forgedForwardingHeadersChangeNothing() throws Exception {
    try (RawHttp api = new RawHttp("127.0.0.2", imds.server.port())) {
      String[] forged = {
        "X-Forwarded-For: 127.0.0.1", "X-Real-IP: 127.0.0.1", "Forwarded: for=127.0.0.1"
      };

      assertThat(api.get(LIST, forged).body()).isEqualTo("writer");
      assertThat(api.get(LIST + "reader", forged).status()).isEqualTo(404);
      assertThat(accessKey(api.get(LIST + "writer", forged).body()))
          .isEqualTo(callers.credentialsOf("127.0.0.2").accessKeyId());
    }
  }

  @Test
  void aTokenWorksOnlyFromTheAddressItWasIssuedTo() throws Exception {
    try (RawHttp web = new RawHttp("127.0.0.1", imds.server.port());
        RawHttp api = new RawHttp("127.0.0.2", imds.server.port())) {
      String token = web.put(Route.TOKEN_PATH, TTL).body();

      assertThat(web.get(LIST, "X-aws-ec2-metadata-token: " + token).status()).isEqualTo(200);
      assertThat(api.get(LIST, "X-aws-ec2-metadata-token: " + token).status()).isEqualTo(401);
    }
  }

  @Test
  void servesManyRequestsOnOneKeepAliveConnection() throws Exception {
    try (RawHttp web = new RawHttp("127.0.0.1", imds.server.port())) {
      for (int i = 0; i < 50; i++) {
        RawHttp.Response response = web.get(LIST + "reader");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers()).containsEntry("server", "EC2ws");
      }
    }
    // Audit work follows each written response on the server's event loop. The same credential
    // handed to the same pod 50 times is one record in the trail and 49 repeats in a counter.
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                Exposition.text(imds.registry)
                    .contains("podium_audit_repeated_handouts_total 49.0"));
    assertThat(AgentLogs.audit(logs)).hasSize(1);
  }

  @Test
  void answersPipelinedRequestsInOrder() throws Exception {
    try (RawHttp web = new RawHttp("127.0.0.1", imds.server.port())) {
      web.send(
          EmbeddedImds.request("GET", LIST + "reader")
              + EmbeddedImds.request("GET", LIST)
              + EmbeddedImds.request("GET", "/latest/meta-data/iam/info"));

      assertThat(web.read().body()).contains("AccessKeyId");
      assertThat(web.read().body()).isEqualTo("reader");
      assertThat(web.read().body()).contains("InstanceProfileArn");
    }
  }

  @Test
  void closesAConnectionThatTricklesItsRequest() throws Exception {
    try (RawHttp slow = new RawHttp("127.0.0.2", imds.server.port())) {
      long started = System.nanoTime();
      slow.send("GET " + LIST + " HTTP/1.1\r\nHost: 169.254");

      boolean closed;
      try {
        closed = slow.closedByServer();
      } catch (SocketException reset) {
        closed = true;
      }

      assertThat(closed).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .isBetween(Duration.ofMillis(400), Duration.ofSeconds(3));
    }
    assertThat(AgentLogs.lines(logs))
        .singleElement()
        .asString()
        .contains("no complete request and answer within");
  }

  @Test
  void closesTheConnectionAfterAnOversizedHeader() throws Exception {
    try (RawHttp api = new RawHttp("127.0.0.2", imds.server.port())) {
      RawHttp.Response response = api.get(LIST, "X-Big: " + "x".repeat(20_000));

      assertThat(response.status()).isEqualTo(431);
      assertThat(response.headers()).containsEntry("connection", "close");
      boolean closed;
      try {
        closed = api.closedByServer();
      } catch (SocketException reset) {
        closed = true;
      }
      assertThat(closed).isTrue();
    }
  }

  private String accessKey(String document) {
    return json.readTree(document).get("AccessKeyId").asString();
  }
}
