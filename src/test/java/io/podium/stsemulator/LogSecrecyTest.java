package io.podium.stsemulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.core.role.RoleArn;
import io.podium.stsemulator.StsReplies.ReturnedCredentials;
import io.podium.testing.LogCapture;
import io.podium.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LogSecrecyTest {

  private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
  private static final String READER = "arn:aws:iam::123456789012:role/reader";

  @RegisterExtension final LogCapture logs = new LogCapture();

  private final MutableClock clock = new MutableClock(NOW);
  private final StsEmulator emulator = StsEmulator.builder().clock(clock).build();

  @AfterEach
  void close() {
    emulator.close();
  }

  @Test
  void neverLogsIssuedSecretsTokensOrTheBootstrapSecret() {
    List<String> secrets = new ArrayList<>();
    secrets.add(BootstrapCredentials.DEV_SECRET_ACCESS_KEY);
    ReturnedCredentials first = assume(SignedRequests.action("AssumeRole"), secrets);
    SignedRequests asFirst =
        SignedRequests.action("AssumeRole")
            .signedBy(first.accessKeyId(), first.secretAccessKey())
            .withToken(first.sessionToken());
    assume(asFirst, secrets);
    emulator.handle(
        asFirst
            .param("RoleArn", READER)
            .param("RoleSessionName", "x")
            .param("DurationSeconds", "7200")
            .at(NOW)
            .build());
    emulator.handle(
        SignedRequests.action("GetCallerIdentity")
            .signedBy(first.accessKeyId(), "wrong-secret-wrong-secret-wrong-secret!")
            .withToken(first.sessionToken())
            .at(NOW)
            .build());
    emulator.handle(
        SignedRequests.action("GetCallerIdentity")
            .signedBy(first.accessKeyId(), first.secretAccessKey())
            .withToken("forged-" + first.sessionToken())
            .at(NOW)
            .build());
    String jwt = Jwts.token("sub-1", "aud-1", NOW.plusSeconds(600));
    StsReply web = webIdentity(jwt);
    secrets.add(StsReplies.text(web, "SecretAccessKey"));
    secrets.add(StsReplies.text(web, "SessionToken"));
    secrets.add(jwt);
    webIdentity(Jwts.token("sub-1", "aud-1", NOW.minusSeconds(1)));
    clock.advance(Duration.ofHours(2));
    emulator.handle(
        SignedRequests.action("GetCallerIdentity")
            .signedBy(first.accessKeyId(), first.secretAccessKey())
            .withToken(first.sessionToken())
            .at(clock.instant())
            .build());

    assertThat(logs.messagesFrom("io.podium.stsemulator")).isNotEmpty();
    assertThat(logs.allOutput()).contains(first.accessKeyId());
    for (String secret : secrets) {
      assertThat(logs.allOutput()).doesNotContain(secret);
    }
  }

  @Test
  void toStringShowsKeyIdsButNeverSecretsOrTokens() {
    IssuedSession session =
        new IssuedSession(
            "ASIAEXAMPLE000000001",
            "secretSecretSecretSecretSecretSecret0001",
            "tokenTokenToken",
            RoleArn.parse(READER),
            "s1",
            NOW,
            false,
            Optional.empty());

    assertThat(session.toString())
        .contains("ASIAEXAMPLE000000001")
        .doesNotContain(session.secretAccessKey())
        .doesNotContain(session.sessionToken());
    assertThat(new Caller.Session(session).toString()).doesNotContain(session.sessionToken());
    assertThat(BootstrapCredentials.devDefaults().toString())
        .contains(BootstrapCredentials.DEV_ACCESS_KEY_ID)
        .doesNotContain(BootstrapCredentials.DEV_SECRET_ACCESS_KEY);
  }

  private ReturnedCredentials assume(SignedRequests request, List<String> secrets) {
    StsReply reply =
        emulator.handle(
            request.param("RoleArn", READER).param("RoleSessionName", "logs").at(NOW).build());
    ReturnedCredentials credentials = StsReplies.credentials(reply);
    secrets.add(credentials.secretAccessKey());
    secrets.add(credentials.sessionToken());
    return credentials;
  }

  private StsReply webIdentity(String jwt) {
    String body =
        SignedRequests.formEncode(
            Map.of(
                "Action", "AssumeRoleWithWebIdentity",
                "Version", "2011-06-15",
                "RoleArn", READER,
                "RoleSessionName", "web",
                "WebIdentityToken", jwt));
    return emulator.handle(
        StsRequest.parse(
            "POST",
            "/",
            Map.of("Content-Type", List.of("application/x-www-form-urlencoded")),
            body.getBytes(StandardCharsets.UTF_8)));
  }
}
