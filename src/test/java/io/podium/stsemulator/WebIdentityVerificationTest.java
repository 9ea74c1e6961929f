package io.podium.stsemulator;

import static io.podium.stsemulator.StsReplies.code;
import static io.podium.stsemulator.StsReplies.message;
import static io.podium.stsemulator.StsReplies.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import io.podium.oidc.IssuerDocuments;
import io.podium.oidc.IssuerUrl;
import io.podium.oidc.ServiceAccountTokenMinter;
import io.podium.oidc.TestKeys;
import io.podium.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AssumeRoleWithWebIdentity with a registered OIDC provider: each check and its STS error. */
class WebIdentityVerificationTest {

  private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
  private static final IssuerUrl ISSUER = IssuerUrl.parse("https://oidc.example.test/cluster");
  private static final String ROLE = "arn:aws:iam::123456789012:role/irsa";

  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(NOW);
  private final ServiceAccountTokenMinter rsa =
      new ServiceAccountTokenMinter(ISSUER, TestKeys.rsa());
  private final ServiceAccountTokenMinter ec = new ServiceAccountTokenMinter(ISSUER, TestKeys.ec());
  private Path jwks;
  private StsEmulator emulator;

  @BeforeEach
  void registerProvider() throws Exception {
    jwks = dir.resolve("jwks.json");
    writeJwks(rsa, ec);
    emulator = emulator(List.of(RoleDefinition.of(ROLE)));
  }

  @AfterEach
  void close() {
    emulator.close();
  }

  private StsEmulator emulator(List<RoleDefinition> roles) {
    return StsEmulator.builder()
        .clock(clock)
        .roles(roles)
        .oidcProviders(
            List.of(
                new OidcProvider(
                    ISSUER.toString(), JwksSource.file(jwks), List.of("sts.amazonaws.com"))))
        .build();
  }

  private void writeJwks(ServiceAccountTokenMinter... minters) throws Exception {
    List<com.nimbusds.jose.jwk.JWK> keys =
        java.util.Arrays.stream(minters).map(ServiceAccountTokenMinter::publicKey).toList();
    Files.write(jwks, new IssuerDocuments(ISSUER, ISSUER.defaultJwksUri(), keys).jwksJson());
  }

  private String token(ServiceAccountTokenMinter minter) {
    return minter.mint(
        "team-a",
        "reader",
        List.of("sts.amazonaws.com"),
        NOW.minusSeconds(10),
        NOW.plus(Duration.ofHours(1)));
  }

  private StsReply assume(String token) {
    String body =
        SignedRequests.formEncode(
            Map.of(
                "Action", "AssumeRoleWithWebIdentity",
                "Version", "2011-06-15",
                "RoleArn", ROLE,
                "RoleSessionName", "pod-1",
                "WebIdentityToken", token));
    return emulator.handle(
        StsRequest.parse(
            "POST",
            "/",
            Map.of("Content-Type", List.of("application/x-www-form-urlencoded")),
            body.getBytes(StandardCharsets.UTF_8)));
  }

  private JWTClaimsSet.Builder claims() {
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER.toString())
        .subject("system:serviceaccount:team-a:reader")
        .audience("sts.amazonaws.com")
        .issueTime(Date.from(NOW.minusSeconds(10)))
        .expirationTime(Date.from(NOW.plusSeconds(3600)));
  }

  @Test
  void acceptsTokensSignedByEitherKeyOfTheJwks() {
    for (ServiceAccountTokenMinter minter : List.of(rsa, ec)) {
      StsReply reply = assume(token(minter));

      assertThat(reply.status()).as(message(reply)).isEqualTo(200);
      assertThat(text(reply, "SubjectFromWebIdentityToken"))
          .isEqualTo("system:serviceaccount:team-a:reader");
      assertThat(text(reply, "Audience")).isEqualTo("sts.amazonaws.com");
      assertThat(text(reply, "Provider"))
          .isEqualTo("arn:aws:iam::123456789012:oidc-provider/oidc.example.test/cluster");
    }
  }

  @Test
  void refusesABadSignatureWithInvalidIdentityToken() {
    String token = token(rsa);
    String[] parts = token.split("\\.");
    String forged = parts[0] + "." + parts[1] + "." + token(rsa).split("\\.")[2].replace('A', 'B');
    String otherKeySameKid =
        new ServiceAccountTokenMinter(ISSUER, TestKeys.rsa()).mint(claims().build());
    String[] other = otherKeySameKid.split("\\.");

    StsReply reply = assume(forged);
    StsReply swapped = assume(parts[0] + "." + other[1] + "." + other[2]);

    assertThat(reply.status()).isEqualTo(400);
    assertThat(code(reply)).isEqualTo("InvalidIdentityToken");
    assertThat(code(swapped)).isEqualTo("InvalidIdentityToken");
    assertThat(message(swapped)).isEqualTo(WebIdentityTokenVerifier.BAD_SIGNATURE);
  }

  @Test
  void refusesAnUnknownKidWithInvalidIdentityToken() {
    ServiceAccountTokenMinter stranger = new ServiceAccountTokenMinter(ISSUER, TestKeys.rsa());

    StsReply reply = assume(stranger.mint(claims().build()));

    assertThat(reply.status()).isEqualTo(400);
    assertThat(code(reply)).isEqualTo("InvalidIdentityToken");
    assertThat(message(reply)).startsWith("Couldn't retrieve verification key");
  }

  @Test
  void refusesAnUnregisteredIssuerWithInvalidIdentityToken() {
    StsReply reply = assume(rsa.mint(claims().issuer("https://elsewhere.test").build()));

    assertThat(code(reply)).isEqualTo("InvalidIdentityToken");
    assertThat(message(reply))
        .isEqualTo("No OpenIDConnect provider found in your account for https://elsewhere.test");
  }

  @Test
  void refusesAnAudienceTheProviderDoesNotListWithInvalidIdentityToken() {
    StsReply reply = assume(rsa.mint(claims().audience("vault").build()));

    assertThat(code(reply)).isEqualTo("InvalidIdentityToken");
    assertThat(message(reply)).isEqualTo("Incorrect token audience");
  }

  @Test
  void refusesAnExpiredTokenWithExpiredTokenException() {
    StsReply reply =
        assume(rsa.mint(claims().expirationTime(Date.from(NOW.minusSeconds(1))).build()));

    assertThat(reply.status()).isEqualTo(400);
    assertThat(code(reply)).isEqualTo("ExpiredTokenException");
  }

  @Test
  void refusesATokenNotValidYetWithIdpRejectedClaim() {
    StsReply reply =
        assume(rsa.mint(claims().notBeforeTime(Date.from(NOW.plusSeconds(60))).build()));

    assertThat(reply.status()).isEqualTo(403);
    assertThat(code(reply)).isEqualTo("IDPRejectedClaim");
  }

  @Test
  void refusesUnsignedTokensOnceAProviderIsRegistered() {
    StsReply reply =
        assume(
            Jwts.token(
                "system:serviceaccount:team-a:reader", "sts.amazonaws.com", NOW.plusSeconds(60)));

    assertThat(code(reply)).isEqualTo("InvalidIdentityToken");
  }

  @Test
  void trustPolicyConditionsOnSubAndAudDecideWithAccessDenied() {
    emulator.close();
    emulator =
        emulator(
            List.of(
                RoleDefinition.of(ROLE)
                    .trusting(ISSUER.providerArn("aws", "123456789012"))
                    .withConditions(
                        new TrustConditions(
                            Map.of(
                                "StringEquals",
                                Map.of(
                                    "oidc.example.test/cluster:aud", List.of("sts.amazonaws.com")),
                                "StringLike",
                                Map.of(
                                    "OIDC.example.test/cluster:SUB",
                                    List.of("system:serviceaccount:team-a:*")))))));

    StsReply admitted = assume(token(rsa));
    StsReply otherNamespace =
        assume(rsa.mint(claims().subject("system:serviceaccount:team-b:reader").build()));

    assertThat(admitted.status()).as(message(admitted)).isEqualTo(200);
    assertThat(otherNamespace.status()).isEqualTo(403);
    assertThat(code(otherNamespace)).isEqualTo("AccessDenied");
    assertThat(message(otherNamespace))
        .isEqualTo("Not authorized to perform sts:AssumeRoleWithWebIdentity");
  }

  @Test
  void seesARotatedJwksFileWithoutRestart() throws Exception {
    ServiceAccountTokenMinter next = new ServiceAccountTokenMinter(ISSUER, TestKeys.ec());
    assertThat(code(assume(token(next)))).isEqualTo("InvalidIdentityToken");

    writeJwks(next, rsa);
    Files.setLastModifiedTime(
        jwks, java.nio.file.attribute.FileTime.from(Instant.now().plusSeconds(5)));

    assertThat(assume(token(next)).status()).isEqualTo(200);
    assertThat(assume(token(ec)).status()).isEqualTo(400);
  }

  @Test
  void fetchesTheJwksFromALoopbackUrl() throws Exception {
    byte[] body = Files.readAllBytes(jwks);
    com.sun.net.httpserver.HttpServer server =
        com.sun.net.httpserver.HttpServer.create(
            new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/cluster/openid/v1/jwks",
        exchange -> {
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          try (var out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    emulator.close();
    java.net.URI url =
        java.net.URI.create(
            "http://127.0.0.1:" + server.getAddress().getPort() + "/cluster/openid/v1/jwks");
    emulator =
        StsEmulator.builder()
            .clock(clock)
            .roles(List.of(RoleDefinition.of(ROLE)))
            .oidcProviders(
                List.of(
                    new OidcProvider(
                        ISSUER.toString(), JwksSource.url(url), List.of("sts.amazonaws.com"))))
            .build();
    try {
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(assume(token(ec)).status()).isEqualTo(200));
    } finally {
      server.stop(0);
    }
  }

  @Test
  void refusesPlainHttpJwksUrlsBeyondLoopback() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> JwksSource.checkUrl(java.net.URI.create("http://192.0.2.10/jwks")))
        .hasMessageContaining("plain http only to a loopback address");
  }

  @Test
  void saysAtStartWhetherTokensAreVerifiedOrOnlyDecoded() throws Exception {
    io.podium.testing.LogCapture logs = new io.podium.testing.LogCapture();
    logs.start();
    try (StsEmulator development = StsEmulator.builder().build()) {
      development.start(new java.net.InetSocketAddress("127.0.0.1", 0));
      emulator.start(new java.net.InetSocketAddress("127.0.0.1", 0));
    } finally {
      logs.stop();
    }

    assertThat(logs.messagesFrom("io.podium.stsemulator"))
        .anyMatch(line -> line.contains("web identity tokens are decoded, NOT verified"))
        .anyMatch(
            line ->
                line.contains("OIDC provider https://oidc.example.test/cluster")
                    && line.contains("verified with the keys of file"));
  }
}
