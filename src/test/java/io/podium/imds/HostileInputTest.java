package io.podium.imds;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.podium.imds.EmbeddedImds.Connection;
import io.podium.imds.EmbeddedImds.Reply;
import io.podium.testing.LogCapture;
import io.podium.testing.TestPods;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input of every kind gets its status, exactly one log line, and costs bounded time and memory;
 * nothing else breaks.
 */
class HostileInputTest {

  private static final String ROLE = "arn:aws:iam::123456789012:role/reader";
  private static final String LIST = "/latest/meta-data/iam/security-credentials/";

  @RegisterExtension final LogCapture logs = new LogCapture();

  private EmbeddedImds imds;

  @BeforeEach
  void setUp() {
    imds =
        new EmbeddedImds(
            MetadataSettings.builder()
                .maxHeaderSize(2048)
                .maxInitialLineLength(512)
                .maxBodyBytes(64)
                .requestTimeout(Duration.ofSeconds(10))
                .idleTimeout(Duration.ofSeconds(60))
                .build());
    imds.callers.permit(
        "10.0.0.5", TestPods.running("team-a", "web").withIp("10.0.0.5").build(), ROLE);
  }

  @Test
  void answers431ToOversizedHeadersAndCloses() {
    Connection pod = imds.connect("10.0.0.5");

    List<Reply> replies =
        pod.sendRaw(EmbeddedImds.request("GET", LIST, "X-Big: " + "a".repeat(4000)));

    assertThat(replies).singleElement().extracting(Reply::status).isEqualTo(431);
    assertThat(pod.isOpen()).isFalse();
    assertThat(AgentLogs.lines(logs))
        .singleElement()
        .asString()
        .contains("with 431: headers larger than 2048 bytes")
        .doesNotContain("aaaa");
    assertThat(Exposition.text(imds.registry))
        .contains("podium_metadata_rejected_total{reason=\"header_too_large\"} 1.0");
  }

  @Test
  void answers414ToAnOversizedRequestLineAndCloses() {
    Connection pod = imds.connect("10.0.0.5");

    List<Reply> replies = pod.sendRaw(EmbeddedImds.request("GET", "/" + "a".repeat(1000)));

    assertThat(replies).singleElement().extracting(Reply::status).isEqualTo(414);
    assertThat(pod.isOpen()).isFalse();
    assertThat(AgentLogs.lines(logs)).singleElement().asString().contains("request line longer");
  }

  @Test
  void answers413ToAnOversizedBodyAndCloses() {
    Connection pod = imds.connect("10.0.0.5");

    List<Reply> replies =
        pod.sendRaw(
            EmbeddedImds.request(
                    "PUT",
                    Route.TOKEN_PATH,
                    "X-aws-ec2-metadata-token-ttl-seconds: 60",
                    "Content-Length: 100")
                + "b".repeat(100));

    assertThat(replies).singleElement().extracting(Reply::status).isEqualTo(413);
    assertThat(replies.getFirst().headers().get("Server")).isEqualTo("EC2ws");
    assertThat(pod.isOpen()).isFalse();
    assertThat(AgentLogs.lines(logs)).singleElement().asString().contains("with 413");
    assertThat(Exposition.text(imds.registry))
        .contains("podium_metadata_rejected_total{reason=\"body_too_large\"} 1.0");
  }

  @Test
  void answers413ToAnOversizedChunkedBody() {
    Connection pod = imds.connect("10.0.0.5");

    List<Reply> replies =
        pod.sendRaw(
            EmbeddedImds.request(
                    "PUT",
                    Route.TOKEN_PATH,
                    "X-aws-ec2-metadata-token-ttl-seconds: 60",
                    "Transfer-Encoding: chunked")
                + "40\r\n"
                + "c".repeat(64)
                + "\r\n40\r\n"
                + "c".repeat(64)
                + "\r\n0\r\n\r\n");

    assertThat(replies).singleElement().extracting(Reply::status).isEqualTo(413);
    assertThat(pod.isOpen()).isFalse();
  }

  @Test
  void answers413ToAnAnnouncedOversizedBodyBeforeItIsSent() {
    Connection pod = imds.connect("10.0.0.5");

    List<Reply> replies =
        pod.sendRaw(
            EmbeddedImds.request(
                "PUT",
                Route.TOKEN_PATH,
                "X-aws-ec2-metadata-token-ttl-seconds: 60",
                "Expect: 100-continue",
                "Content-Length: 100000"));

    assertThat(replies).singleElement().extracting(Reply::status).isEqualTo(413);
    assertThat(pod.isOpen()).isFalse();
    assertThat(AgentLogs.lines(logs)).singleElement().asString().contains("with 413");
  }

  @Test
  void acceptsASmallBody() {
    Reply reply =
        imds.connect("10.0.0.5")
            .sendRaw(
                EmbeddedImds.request(
                        "PUT",
                        Route.TOKEN_PATH,
                        "X-aws-ec2-metadata-token-ttl-seconds: 60",
                        "Content-Length: 5")
                    + "hello")
            .getFirst();

    assertThat(reply.status()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "GARBAGE\r\n\r\n",
        "GET /latest/meta-data/ HTTP/1.1\r\nno colon here\r\n\r\n",
        "GET /latest/meta-data/ HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"
      })
  void answers400ToMalformedRequestsAndCloses(String raw) {
    Connection pod = imds.connect("10.0.0.5");

    List<Reply> replies = pod.sendRaw(raw);

    assertThat(replies).singleElement().extracting(Reply::status).isEqualTo(400);
    assertThat(pod.isOpen()).isFalse();
    assertThat(AgentLogs.lines(logs)).singleElement().asString().contains("malformed HTTP request");
  }

  @Test
  void answers505ToOtherHttpVersionsAndCloses() {
    Connection pod = imds.connect("10.0.0.5");

    List<Reply> replies = pod.sendRaw("GET /latest/meta-data/ HTTP/9.9\r\n\r\n");

    assertThat(replies).singleElement().extracting(Reply::status).isEqualTo(505);
    assertThat(replies.getFirst().headers().get("Connection")).isEqualTo("close");
    assertThat(pod.isOpen()).isFalse();
    assertThat(AgentLogs.lines(logs)).singleElement().asString().contains("version HTTP/9.9");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/latest/meta-data/placement/../iam/security-credentials/",
        "/latest/meta-data/./iam/security-credentials/",
        "/latest/meta-data/%69am/security-credentials/",
        "//latest/meta-data/iam/",
        "/latest//meta-data/iam/",
        "/latest/meta-data/iam\\security-credentials",
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "*",
        "/latest/user-data/\u00e9"
      })
  void answers400ToPathsThatCouldBeReadTwoWays(String target) {
    Reply reply =
        imds.connect("10.0.0.5").sendRaw("GET " + target + " HTTP/1.1\r\n\r\n").getFirst();

    assertThat(reply.status()).isEqualTo(400);
    assertThat(AgentLogs.lines(logs))
        .singleElement()
        .asString()
        .contains("not a plain absolute path");
  }

  @Test
  void ignoresTheQueryString() {
    Reply reply = imds.connect("10.0.0.5").get(LIST + "?x=../../user-data");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body()).isEqualTo("reader");
  }

  @ParameterizedTest
  @ValueSource(strings = {"POST", "DELETE", "PUT", "PATCH", "OPTIONS", "FOO"})
  void answers405WithAllowForOtherMethods(String method) {
    Reply reply = imds.connect("10.0.0.5").sendRaw(EmbeddedImds.request(method, LIST)).getFirst();

    assertThat(reply.status()).isEqualTo(405);
    assertThat(reply.headers().get("Allow")).isEqualTo("GET");
    assertThat(AgentLogs.lines(logs)).singleElement().asString().contains("with 405");
  }

  @ParameterizedTest
  @ValueSource(strings = {"POST", "DELETE", "GET", "PATCH"})
  void answers405WithAllowPutOnTheTokenPath(String method) {
    Reply reply =
        imds.connect("10.0.0.5")
            .sendRaw(
                EmbeddedImds.request(
                    method, Route.TOKEN_PATH, "X-aws-ec2-metadata-token-ttl-seconds: 60"))
            .getFirst();

    assertThat(reply.status()).isEqualTo(405);
    assertThat(reply.headers().get("Allow")).isEqualTo("PUT");
  }

  @Test
  void refusesAConnectionWithoutAnIpPeer() {
    Connection unknown = imds.connectFrom(new EmbeddedChannel().remoteAddress());

    Reply reply = unknown.get(LIST);

    assertThat(reply.status()).isEqualTo(403);
    assertThat(AgentLogs.lines(logs)).singleElement().asString().contains("no IP peer address");
  }

  @Test
  void closesASlowClientAfterTheRequestTimeout() {
    Connection pod = imds.connect("10.0.0.5");
    pod.sendRaw("GET " + LIST + " HTTP/1.1\r\nHost: 169");
    pod.advance(Duration.ofSeconds(5));
    pod.sendRaw(".254.169.254\r\n");
    assertThat(pod.isOpen()).isTrue();

    pod.advance(Duration.ofSeconds(5));

    assertThat(pod.isOpen()).isFalse();
    assertThat(AgentLogs.lines(logs))
        .singleElement()
        .asString()
        .contains("Closed the connection from /10.0.0.5: no complete request and answer within");
    assertThat(Exposition.text(imds.registry))
        .contains("podium_metadata_rejected_total{reason=\"request_timeout\"} 1.0");
  }

  @Test
  void closesASilentConnectionAfterTheRequestTimeoutWithoutNoise() {
    Connection pod = imds.connect("10.0.0.5");

    pod.advance(Duration.ofSeconds(10));

    assertThat(pod.isOpen()).isFalse();
    assertThat(AgentLogs.lines(logs)).isEmpty();
  }

  @Test
  void keepsAnIdleKeepAliveConnectionForTheIdleTimeoutOnly() {
    Connection pod = imds.connect("10.0.0.5");
    assertThat(pod.get(LIST).status()).isEqualTo(200);

    pod.advance(Duration.ofSeconds(30));
    assertThat(pod.isOpen()).isTrue();
    assertThat(pod.get(LIST).status()).isEqualTo(200);
    pod.advance(Duration.ofSeconds(59));
    assertThat(pod.isOpen()).isTrue();
    pod.advance(Duration.ofSeconds(1));

    assertThat(pod.isOpen()).isFalse();
    assertThat(AgentLogs.lines(logs)).isEmpty();
  }

  @Test
  void answersEveryOtherRequestNormallyAfterBadOnes() {
    imds.connect("10.0.0.5").sendRaw("GARBAGE\r\n\r\n");
    imds.connect("10.0.0.5").get("/latest/meta-data/../x");
    imds.connect("10.0.0.5")
        .sendRaw(EmbeddedImds.request("GET", LIST, "X-Big: " + "a".repeat(4000)));

    assertThat(imds.connect("10.0.0.5").get(LIST).status()).isEqualTo(200);
  }
}
