package io.podium.containercredentials;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.podium.core.pod.PodClaim;
import io.podium.oidc.IssuerUrl;
import io.podium.oidc.ServiceAccountTokenMinter;
import io.podium.oidc.ServiceAccountTokenMinter.BoundPod;
import io.podium.oidc.TestKeys;
import io.podium.testing.MutableClock;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServiceAccountTokenVerifierTest {

  static final String AUDIENCE = ContainerCredentialsSettings.DEFAULT_AUDIENCE;
  static final IssuerUrl ISSUER = IssuerUrl.parse("https://oidc.cluster.test");
  static final BoundPod WEB =
      new BoundPod("shop", "web", "11111111-1111-1111-1111-111111111111", "web", "node-1");

  private final MutableClock clock = MutableClock.at("2026-12-01T10:00:00Z");
  private final KeyPair pair = TestKeys.rsa();
  private final ServiceAccountTokenMinter minter = new ServiceAccountTokenMinter(ISSUER, pair);
  private final ServiceAccountKeys keys =
      ServiceAccountKeys.of(List.of(minter.publicKey()), Set.of(ISSUER.toString()));
  private final ServiceAccountTokenVerifier verifier =
      new ServiceAccountTokenVerifier(
          keys, AUDIENCE, clock, new ContainerCredentialsMetrics(new PrometheusRegistry()));

  private String token(BoundPod pod, String audience, Duration validity) {
    Instant now = clock.instant();
    return minter.mintForPod(pod, List.of(audience), now, now.plus(validity));
  }

  private TokenRefusal refusal(TokenVerdict verdict) {
    assertThat(verdict).isInstanceOf(TokenVerdict.Refused.class);
    return ((TokenVerdict.Refused) verdict).kind();
  }

  @Test
  void acceptsAPodBoundTokenAndNamesItsPod() {
    TokenVerdict verdict = verifier.verify(token(WEB, AUDIENCE, Duration.ofHours(1)));

    assertThat(verdict).isInstanceOf(TokenVerdict.Valid.class);
    PodClaim claim = ((TokenVerdict.Valid) verdict).claim();
    assertThat(claim)
        .isEqualTo(new PodClaim("shop", "web", WEB.uid(), "web", "node-1"))
        .hasToString("PodClaim[shop/web, uid=" + WEB.uid() + "]");
  }

  @Test
  void remembersAValidTokenUntilItExpires() {
    String token = token(WEB, AUDIENCE, Duration.ofMinutes(10));
    verifier.verify(token);
    assertThat(verifier.remembered()).isEqualTo(1);
    assertThat(verifier.verify(token)).isInstanceOf(TokenVerdict.Valid.class);

    clock.set(clock.instant().plus(Duration.ofMinutes(10)));

    assertThat(refusal(verifier.verify(token))).isEqualTo(TokenRefusal.EXPIRED);
  }

  @Test
  void refusesARememberedTokenOnceItsKeyIsRetired() {
    String token = token(WEB, AUDIENCE, Duration.ofHours(1));
    assertThat(verifier.verify(token)).isInstanceOf(TokenVerdict.Valid.class);

    keys.replace(
        List.of(new ServiceAccountTokenMinter(ISSUER, TestKeys.rsa()).publicKey()),
        Set.of(ISSUER.toString()));

    assertThat(refusal(verifier.verify(token))).isEqualTo(TokenRefusal.UNKNOWN_KEY);
  }

  @Test
  void malformedWhenNotASignedJwt() {
    assertThat(verifier.verify("Bearer abc")).isInstanceOf(TokenVerdict.Malformed.class);
    assertThat(verifier.verify("a.b.c")).isInstanceOf(TokenVerdict.Malformed.class);
    PlainJWT unsigned =
        new PlainJWT(new JWTClaimsSet.Builder().subject("system:serviceaccount:a:b").build());
    assertThat(verifier.verify(unsigned.serialize())).isInstanceOf(TokenVerdict.Malformed.class);
  }

  @Test
  void refusesHmacSignedTokens() throws Exception {
    SignedJWT hmac =
        new SignedJWT(
            new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().subject("x").build());
    hmac.sign(new MACSigner(new byte[32]));

    assertThat(refusal(verifier.verify(hmac.serialize()))).isEqualTo(TokenRefusal.ALGORITHM);
  }

  @Test
  void refusesATokenOfAnotherKey() {
    ServiceAccountTokenMinter stranger = new ServiceAccountTokenMinter(ISSUER, TestKeys.rsa());
    Instant now = clock.instant();
    String token = stranger.mintForPod(WEB, List.of(AUDIENCE), now, now.plus(Duration.ofHours(1)));

    assertThat(refusal(verifier.verify(token))).isEqualTo(TokenRefusal.UNKNOWN_KEY);
  }

  @Test
  void refusesAForgedSignatureUnderTheClustersKid() throws Exception {
    Instant now = clock.instant();
    SignedJWT forged =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(minter.publicKey().getKeyID()).build(),
            SignedJWT.parse(
                    minter.mintForPod(WEB, List.of(AUDIENCE), now, now.plus(Duration.ofHours(1))))
                .getJWTClaimsSet());
    forged.sign(new RSASSASigner(TestKeys.rsa().getPrivate()));

    assertThat(refusal(verifier.verify(forged.serialize()))).isEqualTo(TokenRefusal.SIGNATURE);
  }

  @Test
  void refusesAnotherIssuer() {
    ServiceAccountTokenMinter other =
        new ServiceAccountTokenMinter(IssuerUrl.parse("https://other.test"), pair);
    Instant now = clock.instant();
    String token = other.mintForPod(WEB, List.of(AUDIENCE), now, now.plus(Duration.ofHours(1)));

    assertThat(refusal(verifier.verify(token))).isEqualTo(TokenRefusal.ISSUER);
  }

  @Test
  void refusesAnIrsaTokenForTheStsAudience() {
    assertThat(refusal(verifier.verify(token(WEB, "sts.amazonaws.com", Duration.ofHours(1)))))
        .isEqualTo(TokenRefusal.AUDIENCE);
  }

  @Test
  void refusesATokenNotValidYet() {
    Instant later = clock.instant().plus(Duration.ofMinutes(5));
    String token =
        minter.mintForPod(WEB, List.of(AUDIENCE), later, later.plus(Duration.ofHours(1)));

    assertThat(refusal(verifier.verify(token))).isEqualTo(TokenRefusal.NOT_YET_VALID);
  }

  @Test
  void refusesALegacyTokenBoundToNoPod() {
    Instant now = clock.instant();
    String legacy = minter.mint("shop", "web", List.of(AUDIENCE), now, now.plusSeconds(3600));

    assertThat(refusal(verifier.verify(legacy))).isEqualTo(TokenRefusal.NOT_POD_BOUND);
  }

  @Test
  void refusesAPodClaimThatDisagreesWithItsSubject() {
    Instant now = clock.instant();
    String token =
        minter.mint(
            new JWTClaimsSet.Builder()
                .issuer(ISSUER.toString())
                .subject("system:serviceaccount:kube-system:admin")
                .audience(AUDIENCE)
                .expirationTime(Date.from(now.plusSeconds(3600)))
                .claim(
                    "kubernetes.io",
                    Map.of(
                        "namespace",
                        "shop",
                        "pod",
                        Map.of("name", "web", "uid", WEB.uid()),
                        "serviceaccount",
                        Map.of("name", "web")))
                .build());

    assertThat(refusal(verifier.verify(token))).isEqualTo(TokenRefusal.NOT_POD_BOUND);
  }

  @Test
  void answersNoKeysBeforeTheClustersKeysAreKnown() {
    ServiceAccountTokenVerifier early =
        new ServiceAccountTokenVerifier(
            new ServiceAccountKeys(),
            AUDIENCE,
            clock,
            new ContainerCredentialsMetrics(new PrometheusRegistry()));

    assertThat(early.verify(token(WEB, AUDIENCE, Duration.ofHours(1))))
        .isInstanceOf(TokenVerdict.NoKeys.class);
  }

  @Test
  void keysSentAsJwksTextVerifyTheSameTokens() {
    ServiceAccountKeys received = new ServiceAccountKeys();
    received.replace(ServiceAccountKeys.jwks(keys.current().orElseThrow()), Set.of());
    ServiceAccountTokenVerifier agent =
        new ServiceAccountTokenVerifier(
            received, AUDIENCE, clock, new ContainerCredentialsMetrics(new PrometheusRegistry()));

    assertThat(agent.verify(token(WEB, AUDIENCE, Duration.ofHours(1))))
        .isInstanceOf(TokenVerdict.Valid.class);
    assertThat(ServiceAccountKeys.jwks(received.current().orElseThrow())).doesNotContain("\"d\"");
  }
}
