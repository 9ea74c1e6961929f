package io.podium.imds;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.imds.EmbeddedImds.Connection;
import io.podium.imds.EmbeddedImds.Reply;
import io.podium.testing.LogCapture;
import io.podium.testing.TestPods;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** IMDSv2 tokens: issuing, the TTL rules, and every way a presented token can be wrong. */
class ImdsTokenTest {

  private static final String ROLE = "arn:aws:iam::123456789012:role/reader";
  private static final String CREDENTIALS_LIST = "/latest/meta-data/iam/security-credentials/";
  private static final String TTL = "X-aws-ec2-metadata-token-ttl-seconds";

  @RegisterExtension final LogCapture logs = new LogCapture();

  private EmbeddedImds imds;

  @BeforeEach
  void setUp() {
    imds = new EmbeddedImds(MetadataSettings.builder().build());
    imds.callers
        .permit("10.0.0.5", TestPods.running("team-a", "web").withIp("10.0.0.5").build(), ROLE)
        .permit("10.0.0.6", TestPods.running("team-b", "api").withIp("10.0.0.6").build(), ROLE);
  }

  @AfterEach
  void noSecretOrTokenIsLogged() {
    for (String secret : imds.callers.secrets()) {
      assertThat(logs.allOutput()).doesNotContain(secret);
    }
  }

  @Test
  void issuesATokenWithItsTtl() {
    Reply reply = imds.connect("10.0.0.5").put(Route.TOKEN_PATH, TTL + ": 21600");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body()).matches("[A-Za-z0-9_-]{76}");
    assertThat(reply.headers().get(TTL)).isEqualTo("21600");
    assertThat(reply.headers().get("Server")).isEqualTo("EC2ws");
    assertThat(reply.headers().get("Content-Type")).isEqualTo("text/plain");
  }

  @Test
  void acceptsItsTokenFromTheAddressItWasIssuedTo() {
    Connection pod = imds.connect("10.0.0.5");
    String token = pod.token();

    Reply reply = pod.get(CREDENTIALS_LIST, "X-aws-ec2-metadata-token: " + token);

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body()).isEqualTo("reader");
  }

  @Test
  void acceptsTheTokenOnAnotherConnectionFromTheSameAddress() {
    String token = imds.connect("10.0.0.5").token();

    Reply reply =
        imds.connect("10.0.0.5").get(CREDENTIALS_LIST, "X-aws-ec2-metadata-token: " + token);

    assertThat(reply.status()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "21601", "-1", "abc", "1e3", "", "99999999999", "+60", "60 60"})
  void refusesTokenTtlOutsideOneToSixHours(String ttl) {
    Reply reply = imds.connect("10.0.0.5").put(Route.TOKEN_PATH, TTL + ": " + ttl);

    assertThat(reply.status()).isEqualTo(400);
    assertThat(AgentLogs.lines(logs))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("Refused PUT /latest/api/token from 10.0.0.5 with 400")
        .contains("TTL");
  }

  @Test
  void acceptsTheTtlBounds() {
    assertThat(imds.connect("10.0.0.5").put(Route.TOKEN_PATH, TTL + ": 1").status()).isEqualTo(200);
    assertThat(imds.connect("10.0.0.5").put(Route.TOKEN_PATH, TTL + ": 21600").status())
        .isEqualTo(200);
  }

  @Test
  void refusesTokenRequestWithoutTtl() {
    Reply reply = imds.connect("10.0.0.5").put(Route.TOKEN_PATH);

    assertThat(reply.status()).isEqualTo(400);
    assertThat(AgentLogs.lines(logs))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("without X-aws-ec2-metadata-token-ttl-seconds");
  }

  @Test
  void refusesTokenRequestWithTwoTtls() {
    Reply reply = imds.connect("10.0.0.5").put(Route.TOKEN_PATH, TTL + ": 60", TTL + ": 120");

    assertThat(reply.status()).isEqualTo(400);
  }

  @Test
  void refusesTokenRequestCarryingXForwardedForAsEc2Does() {
    Reply reply =
        imds.connect("10.0.0.5")
            .put(Route.TOKEN_PATH, TTL + ": 21600", "X-Forwarded-For: 10.0.0.5");

    assertThat(reply.status()).isEqualTo(403);
    assertThat(AgentLogs.lines(logs))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("X-Forwarded-For");
  }

  @Test
  void refusesATokenIssuedToAnotherAddress() {
    String token = imds.connect("10.0.0.5").token();

    Reply reply =
        imds.connect("10.0.0.6").get(CREDENTIALS_LIST, "X-aws-ec2-metadata-token: " + token);

    assertThat(reply.status()).isEqualTo(401);
    assertThat(logs.allOutput()).doesNotContain(token);
  }

  @Test
  void refusesAnExpiredToken() {
    Connection pod = imds.connect("10.0.0.5");
    String token = pod.put(Route.TOKEN_PATH, TTL + ": 60").body();
    imds.clock.advance(Duration.ofSeconds(59));
    assertThat(pod.get(CREDENTIALS_LIST, "X-aws-ec2-metadata-token: " + token).status())
        .isEqualTo(200);

    imds.clock.advance(Duration.ofSeconds(1));
    Reply reply = pod.get(CREDENTIALS_LIST, "X-aws-ec2-metadata-token: " + token);

    assertThat(reply.status()).isEqualTo(401);
    assertThat(AgentLogs.lines(logs))
        .anySatisfy(line -> assertThat(line).contains("with 401: expired IMDSv2 token"));
  }

  @Test
  void refusesATamperedToken() {
    Connection pod = imds.connect("10.0.0.5");
    String token = pod.token();
    char[] chars = token.toCharArray();
    chars[5] = chars[5] == 'A' ? 'B' : 'A';
    String tampered = new String(chars);

    Reply reply = pod.get(CREDENTIALS_LIST, "X-aws-ec2-metadata-token: " + tampered);

    assertThat(reply.status()).isEqualTo(401);
  }

  @ParameterizedTest
  @ValueSource(strings = {"garbage", "AQ", "!!!!", "x"})
  void refusesMalformedTokens(String token) {
    Reply reply =
        imds.connect("10.0.0.5").get(CREDENTIALS_LIST, "X-aws-ec2-metadata-token: " + token);

    assertThat(reply.status()).isEqualTo(401);
    assertThat(AgentLogs.lines(logs))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("malformed IMDSv2 token");
  }

  @Test
  void refusesTwoTokenHeaders() {
    Connection pod = imds.connect("10.0.0.5");
    String token = pod.token();

    Reply reply =
        pod.get(
            CREDENTIALS_LIST,
            "X-aws-ec2-metadata-token: " + token,
            "X-aws-ec2-metadata-token: " + token);

    assertThat(reply.status()).isEqualTo(401);
  }

  @Test
  void refusesATokenFromBeforeARestart() {
    String token = imds.connect("10.0.0.5").token();
    EmbeddedImds restarted =
        new EmbeddedImds(MetadataSettings.builder().build(), imds.clock, imds.callers);

    Reply reply =
        restarted.connect("10.0.0.5").get(CREDENTIALS_LIST, "X-aws-ec2-metadata-token: " + token);

    assertThat(reply.status()).isEqualTo(401);
    assertThat(AgentLogs.lines(logs))
        .anySatisfy(line -> assertThat(line).contains("before a restart"));
  }

  @Test
  void answersWithoutTokenByDefault() {
    assertThat(imds.connect("10.0.0.5").get(CREDENTIALS_LIST).status()).isEqualTo(200);
  }

  @Test
  void requiresATokenWhenImdsv2IsRequired() {
    EmbeddedImds strict =
        new EmbeddedImds(
            MetadataSettings.builder().requireImdsv2(true).build(), imds.clock, imds.callers);
    Connection pod = strict.connect("10.0.0.5");

    assertThat(pod.get(CREDENTIALS_LIST).status()).isEqualTo(401);
    assertThat(pod.get(CREDENTIALS_LIST, "X-aws-ec2-metadata-token: " + pod.token()).status())
        .isEqualTo(200);
    assertThat(AgentLogs.lines(logs))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("--require-imdsv2");
  }

  @Test
  void refusesTokenRequestsWhenTokensAreDisabledSoThatSdksFallBack() {
    EmbeddedImds v1only =
        new EmbeddedImds(
            MetadataSettings.builder().tokensDisabled(true).build(), imds.clock, imds.callers);
    Connection pod = v1only.connect("10.0.0.5");

    assertThat(pod.put(Route.TOKEN_PATH, TTL + ": 21600").status()).isEqualTo(403);
    assertThat(pod.get(CREDENTIALS_LIST).status()).isEqualTo(200);
  }

  @Test
  void answersGetOnTheTokenPathWith405() {
    Reply reply = imds.connect("10.0.0.5").get(Route.TOKEN_PATH, TTL + ": 21600");

    assertThat(reply.status()).isEqualTo(405);
    assertThat(reply.headers().get("Allow")).isEqualTo("PUT");
  }

  @Test
  void checksTheTokenEvenOnUnknownPaths() {
    Reply reply =
        imds.connect("10.0.0.5").get("/latest/meta-data/nowhere", "X-aws-ec2-metadata-token: x");

    assertThat(reply.status()).isEqualTo(401);
  }
}
