package io.podium.stsemulator;

import static io.podium.stsemulator.StsReplies.code;
import static io.podium.stsemulator.StsReplies.message;
import static io.podium.stsemulator.StsReplies.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.podium.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StsRouterTest {

  private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");

  private final StsEmulator emulator =
      StsEmulator.builder().clock(new MutableClock(NOW)).accountId("111122223333").build();

  @AfterEach
  void close() {
    emulator.close();
  }

  @Test
  void getCallerIdentityNamesTheBootstrapUser() {
    StsReply reply = emulator.handle(SignedRequests.action("GetCallerIdentity").at(NOW).build());

    assertThat(reply.status()).isEqualTo(200);
    assertThat(text(reply, "Arn")).isEqualTo("arn:aws:iam::111122223333:user/podium-emulator");
    assertThat(text(reply, "Account")).isEqualTo("111122223333");
    assertThat(text(reply, "UserId")).matches("AIDA[A-Z0-9]{17}");
  }

  @Test
  void answersGetRequestsWithQueryParameters() {
    StsReply reply =
        emulator.handle(SignedRequests.action("GetCallerIdentity").asGet().at(NOW).build());

    assertThat(reply.status()).isEqualTo(200);
  }

  @Test
  void refusesUnknownActionWithInvalidAction() {
    StsReply reply = emulator.handle(SignedRequests.action("GetSessionTokens").at(NOW).build());

    assertThat(reply.status()).isEqualTo(400);
    assertThat(code(reply)).isEqualTo("InvalidAction");
    assertThat(message(reply))
        .isEqualTo("Could not find operation GetSessionTokens for version 2011-06-15");
    assertThat(emulator.stats().callCount(StsStats.UNKNOWN_ACTION)).isEqualTo(1);
  }

  @Test
  void refusesRequestWithoutAction() {
    StsReply reply = emulator.handle(unsignedPost("Version=2011-06-15"));

    assertThat(code(reply)).isEqualTo("MissingAction");
  }

  @Test
  void refusesOtherApiVersions() {
    StsReply reply =
        emulator.handle(
            SignedRequests.action("GetCallerIdentity")
                .param("Version", "2010-01-01")
                .at(NOW)
                .build());

    assertThat(code(reply)).isEqualTo("InvalidAction");
  }

  @Test
  void refusesUnsignedSignedActionWith403MissingAuthenticationToken() {
    StsReply reply = emulator.handle(unsignedPost("Action=GetCallerIdentity&Version=2011-06-15"));

    assertThat(reply.status()).isEqualTo(403);
    assertThat(code(reply)).isEqualTo("MissingAuthenticationToken");
  }

  @Test
  void refusesMethodsOtherThanGetAndPost() {
    StsReply reply =
        emulator.handle(
            StsRequest.parse("PUT", "/?Action=GetCallerIdentity", Map.of(), new byte[0]));

    assertThat(reply.status()).isEqualTo(405);
  }

  @Test
  void countsCallsPerActionWhateverTheirOutcome() {
    emulator.handle(SignedRequests.action("GetCallerIdentity").at(NOW).build());
    emulator.handle(unsignedPost("Action=GetCallerIdentity&Version=2011-06-15"));
    emulator.handle(unsignedPost("Action=AssumeRole&Version=2011-06-15"));

    assertThat(emulator.stats().callCount("GetCallerIdentity")).isEqualTo(2);
    assertThat(emulator.stats().callCount("AssumeRole")).isEqualTo(1);
    assertThat(emulator.stats().totalCalls()).isEqualTo(3);
    assertThat(emulator.stats().errorCount("MissingAuthenticationToken")).isEqualTo(2);
    assertThat(emulator.stats().callCounts())
        .containsEntry("GetCallerIdentity", 2L)
        .containsEntry("AssumeRole", 1L);
  }

  private static StsRequest unsignedPost(String body) {
    return StsRequest.parse(
        "POST",
        "/",
        Map.of("Content-Type", List.of("application/x-www-form-urlencoded; charset=utf-8")),
        body.getBytes(StandardCharsets.UTF_8));
  }
}
