package io.podium.stsemulator;

import static io.podium.stsemulator.StsReplies.code;
import static io.podium.stsemulator.StsReplies.message;
import static io.podium.stsemulator.StsReplies.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.podium.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AssumeRoleWithWebIdentityTest {

  private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
  private static final String ROLE = "arn:aws:iam::123456789012:role/irsa";
  private static final String PROVIDER =
      "arn:aws:iam::123456789012:oidc-provider/oidc.example.test/cluster";

  private final MutableClock clock = new MutableClock(NOW);
  private StsEmulator emulator = StsEmulator.builder().clock(clock).build();

  @AfterEach
  void close() {
    emulator.close();
  }

  /** Unsigned, as SDKs send it: a plain form POST. */
  private StsReply assume(String token, String... more) {
    StringBuilder body =
        new StringBuilder(
            SignedRequests.formEncode(
                Map.of(
                    "Action", "AssumeRoleWithWebIdentity",
                    "Version", "2011-06-15",
                    "RoleArn", ROLE,
                    "RoleSessionName", "pod-1",
                    "WebIdentityToken", token)));
    for (int i = 0; i < more.length; i += 2) {
      body.append('&').append(more[i]).append('=').append(more[i + 1]);
    }
    return emulator.handle(
        StsRequest.parse(
            "POST",
            "/",
            Map.of("Content-Type", List.of("application/x-www-form-urlencoded")),
            body.toString().getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void tradesAnUnsignedJwtForSessionCredentials() {
    StsReply reply =
        assume(
            Jwts.token("system:serviceaccount:ns:sa", "sts.amazonaws.com", NOW.plusSeconds(600)));

    assertThat(reply.status()).isEqualTo(200);
    assertThat(text(reply, "SubjectFromWebIdentityToken")).isEqualTo("system:serviceaccount:ns:sa");
    assertThat(text(reply, "Audience")).isEqualTo("sts.amazonaws.com");
    assertThat(text(reply, "Provider")).isEqualTo(PROVIDER);
    assertThat(text(reply, "Arn")).isEqualTo("arn:aws:sts::123456789012:assumed-role/irsa/pod-1");
    assertThat(text(reply, "AccessKeyId")).startsWith("ASIA");
    assertThat(text(reply, "Expiration")).isEqualTo("2025-03-01T13:00:00Z");
  }

  @Test
  void refusesExpiredTokenWithExpiredTokenException() {
    StsReply reply = assume(Jwts.token("sub", "aud", NOW.minusSeconds(1)));

    assertThat(reply.status()).isEqualTo(400);
    assertThat(code(reply)).isEqualTo("ExpiredTokenException");
    assertThat(message(reply)).startsWith("Token expired: current date/time");
  }

  @Test
  void refusesTokensThatAreNotJwts() {
    assertThat(code(assume("not-a-jwt"))).isEqualTo("InvalidIdentityToken");
    assertThat(code(assume("a.b.c"))).isEqualTo("InvalidIdentityToken");
    assertThat(code(assume(Jwts.token("[1,2]")))).isEqualTo("InvalidIdentityToken");
  }

  @Test
  void refusesTokensWithoutSubjectAudienceOrExpiry() {
    long exp = NOW.plusSeconds(600).getEpochSecond();

    assertThat(message(assume(Jwts.token("{\"aud\":\"a\",\"exp\":" + exp + "}")))).contains("sub");
    assertThat(message(assume(Jwts.token("{\"sub\":\"s\",\"exp\":" + exp + "}")))).contains("aud");
    assertThat(message(assume(Jwts.token("{\"sub\":\"s\",\"aud\":\"a\"}")))).contains("exp");
  }

  @Test
  void neverEchoesTheTokenInValidationErrors() {
    StsReply reply = assume("abc", "DurationSeconds", "1");

    assertThat(code(reply)).isEqualTo("ValidationError");
    assertThat(message(reply)).doesNotContain("abc").contains("webIdentityToken");
  }

  @Test
  void onlyTrustedProvidersMayAssumeARoleThatNamesThem() {
    emulator.close();
    emulator =
        StsEmulator.builder()
            .clock(clock)
            .roles(List.of(RoleDefinition.of(ROLE).trusting(PROVIDER)))
            .build();

    StsReply trusted = assume(Jwts.token("s", "a", NOW.plus(Duration.ofMinutes(5))));
    StsReply other =
        assume(
            Jwts.token(
                "{\"iss\":\"https://elsewhere.test\",\"sub\":\"s\",\"aud\":\"a\",\"exp\":"
                    + NOW.plusSeconds(300).getEpochSecond()
                    + "}"));

    assertThat(trusted.status()).isEqualTo(200);
    assertThat(other.status()).isEqualTo(403);
    assertThat(message(other)).isEqualTo("Not authorized to perform sts:AssumeRoleWithWebIdentity");
  }
}
