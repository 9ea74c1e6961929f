package io.podium.stsemulator;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.KeyTypeException;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.Key;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Checks a web identity token as STS does for an IAM OIDC provider: a signed JWT whose {@code iss}
 * names a registered provider, signed by a key of that provider's JWKS (by {@code kid}), not
 * expired, already valid ({@code nbf}), for one of the provider's audiences, with a subject.
 * Signature first: nothing in an unverified token decides anything but which key to try.
 *
 * <p>Codes and statuses are STS's (botocore's STS model); the wordings of "No OpenIDConnect
 * provider found", "Couldn't retrieve verification key", "Incorrect token audience" and "Token
 * expired" are the ones STS users report; the others are the emulator's.
 */
final class WebIdentityTokenVerifier implements WebIdentityTokens {

  static final String NO_KEY =
      "Couldn't retrieve verification key from your identity provider,  please reference"
          + " AssumeRoleWithWebIdentity documentation for requirements";
  static final String BAD_SIGNATURE =
      "The signature of the web identity token could not be verified with the keys of its"
          + " identity provider.";
  static final String WRONG_AUDIENCE = "Incorrect token audience";

  /** The asymmetric algorithms an IAM OIDC provider's keys can sign with. */
  private static final Set<JWSAlgorithm> ALGORITHMS =
      Set.of(
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.PS256,
          JWSAlgorithm.PS384,
          JWSAlgorithm.PS512,
          JWSAlgorithm.ES256,
          JWSAlgorithm.ES384,
          JWSAlgorithm.ES512);

  private final Map<String, OidcProvider> providers;
  private final DefaultJWSVerifierFactory verifiers = new DefaultJWSVerifierFactory();

  WebIdentityTokenVerifier(List<OidcProvider> providers) {
    this.providers =
        providers.stream()
            .collect(
                Collectors.toUnmodifiableMap(
                    OidcProvider::issuer,
                    Function.identity(),
                    (a, b) -> {
                      throw new IllegalArgumentException(
                          "OIDC provider " + a.issuer() + " is registered twice");
                    }));
  }

  @Override
  public WebIdentityToken read(String token, Instant now) {
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(token);
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw invalid(WebIdentityTokenDecoder.NOT_A_JWT);
    }
    String issuer = claims.getIssuer();
    if (issuer == null || issuer.isEmpty()) {
      throw invalid("The ID Token provided has no 'iss' claim.");
    }
    OidcProvider provider = providers.get(issuer);
    if (provider == null) {
      throw invalid("No OpenIDConnect provider found in your account for " + abbreviate(issuer));
    }
    JWSHeader header = jwt.getHeader();
    if (!ALGORITHMS.contains(header.getAlgorithm())) {
      throw invalid(
          "The ID Token provided is signed with "
              + abbreviate(header.getAlgorithm().getName())
              + "; an OIDC provider's tokens are signed with RS*, PS* or ES* keys.");
    }
    verifySignature(jwt, provider);
    Date expiration = claims.getExpirationTime();
    if (expiration == null) {
      throw invalid("The ID Token provided has no numeric 'exp' claim.");
    }
    if (!now.isBefore(expiration.toInstant())) {
      throw new StsException(
          StsErrors.expiredTokenException(
              "Token expired: current date/time "
                  + now.getEpochSecond()
                  + " must be before the expiration date/time "
                  + expiration.toInstant().getEpochSecond()));
    }
    Date notBefore = claims.getNotBeforeTime();
    if (notBefore != null && now.isBefore(notBefore.toInstant())) {
      throw new StsException(
          StsErrors.idpRejectedClaim(
              "Token is not yet valid: current date/time "
                  + now.getEpochSecond()
                  + " must not be before the not-before date/time "
                  + notBefore.toInstant().getEpochSecond()));
    }
    List<String> audiences = claims.getAudience();
    Optional<String> audience =
        audiences.stream().filter(provider.clientIds()::contains).findFirst();
    if (audience.isEmpty()) {
      throw invalid(WRONG_AUDIENCE);
    }
    String subject = claims.getSubject();
    if (subject == null || subject.isEmpty()) {
      throw invalid("The ID Token provided has no 'sub' claim.");
    }
    return new WebIdentityToken(
        subject, audience.get(), Optional.of(issuer), expiration.toInstant());
  }

  private void verifySignature(SignedJWT jwt, OidcProvider provider) {
    List<JWK> candidates = candidates(jwt.getHeader(), provider);
    if (candidates.isEmpty()) {
      provider.keys().refreshSoon();
      throw invalid(NO_KEY);
    }
    for (JWK candidate : candidates) {
      try {
        Key key =
            switch (candidate.getKeyType().getValue()) {
              case "RSA" -> candidate.toRSAKey().toRSAPublicKey();
              case "EC" -> candidate.toECKey().toECPublicKey();
              default -> null;
            };
        if (key == null) {
          continue;
        }
        JWSVerifier verifier = verifiers.createJWSVerifier(jwt.getHeader(), key);
        if (jwt.verify(verifier)) {
          return;
        }
      } catch (KeyTypeException e) {
        // A key of the right kid but the wrong type cannot have signed it.
      } catch (JOSEException | IllegalStateException e) {
        throw invalid(BAD_SIGNATURE);
      }
    }
    throw invalid(BAD_SIGNATURE);
  }

  /** The provider's signing keys that could have signed the token: its {@code kid}, its type. */
  private static List<JWK> candidates(JWSHeader header, OidcProvider provider) {
    Optional<JWKSet> set = provider.keys().keys();
    if (set.isEmpty()) {
      return List.of();
    }
    KeyType type = KeyType.forAlgorithm(header.getAlgorithm());
    JWKMatcher.Builder matcher =
        new JWKMatcher.Builder().keyType(type).keyUses(KeyUse.SIGNATURE, null);
    if (header.getKeyID() != null) {
      matcher.keyID(header.getKeyID());
    }
    return new JWKSelector(matcher.build()).select(set.get());
  }

  private static StsException invalid(String message) {
    return new StsException(StsErrors.invalidIdentityToken(message));
  }

  private static String abbreviate(String text) {
    String printable = text.replaceAll("[^\\x20-\\x7E]", "?");
    return printable.length() <= 256 ? printable : printable.substring(0, 256) + "…";
  }
}
