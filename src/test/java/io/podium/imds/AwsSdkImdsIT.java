package io.podium.imds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podium.core.broker.Credentials;
import io.podium.testing.LogCapture;
import io.podium.testing.TestPods;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;

/**
 * The AWS SDK for Java v2's own IMDS client against a real server on loopback, with an explicit
 * endpoint (and the build's closed-port AWS_EC2_METADATA_SERVICE_ENDPOINT behind it).
 */
class AwsSdkImdsIT {

  @RegisterExtension final LogCapture logs = new LogCapture();

  private final FakeCallerCredentials callers = new FakeCallerCredentials(Clock.systemUTC());
  private LoopbackImds imds;

  @BeforeEach
  void setUp() {
    callers.permit(
        "127.0.0.1",
        TestPods.running("team-a", "web").withIp("127.0.0.1").build(),
        "arn:aws:iam::123456789012:role/reader");
  }

  @AfterEach
  void tearDown() {
    if (imds != null) {
      imds.close();
    }
    for (String secret : callers.secrets()) {
      assertThat(logs.allOutput()).doesNotContain(secret);
    }
  }

  @Test
  void resolvesThePodsCredentialsWithImdsv2() {
    imds = new LoopbackImds(MetadataSettings.builder().requireImdsv2(true).build(), callers);

    try (InstanceProfileCredentialsProvider provider = provider(imds.server.port())) {
      assertCredentials(provider.resolveCredentials(), callers.credentialsOf("127.0.0.1"));
    }
    assertThat(Exposition.text(imds.registry))
        .contains("podium_metadata_requests_total{route=\"token\",status=\"200\"} 1.0")
        .contains("podium_metadata_requests_total{route=\"credentials\",status=\"200\"} 1.0")
        .doesNotContain("status=\"401\"");
    // The audit record follows the written response on the server's event loop.
    await().atMost(Duration.ofSeconds(5)).until(() -> AgentLogs.audit(logs).size() == 1);
  }

  @Test
  void fallsBackToImdsv1WhenTheTokenRequestIsRefused() {
    imds = new LoopbackImds(MetadataSettings.builder().tokensDisabled(true).build(), callers);

    try (InstanceProfileCredentialsProvider provider = provider(imds.server.port())) {
      assertCredentials(provider.resolveCredentials(), callers.credentialsOf("127.0.0.1"));
    }
    assertThat(Exposition.text(imds.registry))
        .contains("podium_metadata_requests_total{route=\"token\",status=\"403\"} 1.0")
        .contains("podium_metadata_requests_total{route=\"credentials\",status=\"200\"} 1.0");
  }

  @Test
  void recoversAfterARestartInvalidatesItsToken() {
    // Credentials that expire in seconds make the SDK go back to the server on the next call.
    callers.reissue("127.0.0.1", Duration.ofSeconds(3));
    imds = new LoopbackImds(MetadataSettings.builder().requireImdsv2(true).build(), callers);
    int port = imds.server.port();

    try (InstanceProfileCredentialsProvider provider = provider(port)) {
      assertCredentials(provider.resolveCredentials(), callers.credentialsOf("127.0.0.1"));

      imds.close();
      Credentials refreshed = callers.reissue("127.0.0.1", Duration.ofHours(1));
      imds =
          new LoopbackImds(
              MetadataSettings.builder()
                  .requireImdsv2(true)
                  .listen(new java.net.InetSocketAddress("127.0.0.1", port))
                  .build(),
              callers);

      await()
          .atMost(Duration.ofSeconds(15))
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(() -> assertCredentials(provider.resolveCredentials(), refreshed));
    }
    // The SDK asks for a new token on every refresh, so it never presents the old one.
    assertThat(Exposition.text(imds.registry))
        .contains("podium_metadata_requests_total{route=\"token\",status=\"200\"}")
        .contains("podium_metadata_requests_total{route=\"credentials\",status=\"200\"}")
        .doesNotContain("status=\"401\"");
  }

  @Test
  void failsCleanlyForAPodWithoutRole() {
    callers.noRole("127.0.0.1", TestPods.running("team-a", "batch").withIp("127.0.0.1").build());
    imds = new LoopbackImds(MetadataSettings.builder().build(), callers);

    try (InstanceProfileCredentialsProvider provider = provider(imds.server.port())) {
      org.assertj.core.api.Assertions.assertThatThrownBy(provider::resolveCredentials)
          .hasMessageContaining("Failed to load credentials from IMDS");
    }
  }

  private static InstanceProfileCredentialsProvider provider(int port) {
    return InstanceProfileCredentialsProvider.builder()
        .endpoint("http://127.0.0.1:" + port)
        .build();
  }

  private static void assertCredentials(AwsCredentials actual, Credentials expected) {
    assertThat(actual).isInstanceOf(AwsSessionCredentials.class);
    AwsSessionCredentials session = (AwsSessionCredentials) actual;
    assertThat(session.accessKeyId()).isEqualTo(expected.accessKeyId());
    assertThat(session.secretAccessKey()).isEqualTo(expected.secretAccessKey());
    assertThat(session.sessionToken()).isEqualTo(expected.sessionToken());
    // EC2's format has whole seconds.
    assertThat(session.expirationTime())
        .hasValue(expected.expiration().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
  }
}
