package io.podium.containercredentials;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.podium.core.pod.PodClaim;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies service-account tokens as the API server's own authenticator does, locally against the
 * cluster's published keys: the JWS signature (RS*, PS* or ES*, never {@code none} or HMAC) with
 * the key its {@code kid} names, then {@code iss}, {@code aud}, {@code exp} and {@code nbf}, then
 * the {@code kubernetes.io} claim that binds a projected token to its pod (namespace, pod name and
 * uid, service account; the node when the API server adds it). The signature is checked before any
 * claim is believed.
 *
 * <p>Valid tokens are remembered until they expire (or the keys change), so that an SDK asking
 * again with the same token costs a map lookup, not a signature check. Refused tokens are not
 * remembered: a flood of bad ones is the per-source rate limit's to stop.
 *
 * <p>Thread-safe.
 */
final class ServiceAccountTokenVerifier {

  /** Far above a node's pods (each holds one or two live tokens at a time). */
  static final int MAX_REMEMBERED = 16_384;

  /**
   * Clock skew allowed between the API server that issued a token and this node for {@code nbf} and
   * {@code iat}; expiry gets none.
   */
  static final Duration NOT_BEFORE_SKEW = Duration.ofSeconds(60);

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

  private record Remembered(PodClaim claim, Instant expiration, long generation) {}

  private final ServiceAccountKeys keys;
  private final String audience;
  private final Clock clock;
  private final ContainerCredentialsMetrics metrics;
  private final int maxRemembered;
  private final Map<String, Remembered> valid = new ConcurrentHashMap<>();

  ServiceAccountTokenVerifier(
      ServiceAccountKeys keys, String audience, Clock clock, ContainerCredentialsMetrics metrics) {
    this(keys, audience, clock, metrics, MAX_REMEMBERED);
  }

  ServiceAccountTokenVerifier(
      ServiceAccountKeys keys,
      String audience,
      Clock clock,
      ContainerCredentialsMetrics metrics,
      int maxRemembered) {
    this.keys = keys;
    this.audience = audience;
    this.clock = clock;
    this.metrics = metrics;
    this.maxRemembered = maxRemembered;
  }

  TokenVerdict verify(String token) {
    Optional<ServiceAccountKeys.Snapshot> snapshot = keys.current();
    if (snapshot.isEmpty()) {
      metrics.token("no_keys");
      return new TokenVerdict.NoKeys(
          "the cluster's service-account signing keys are not known yet; try again shortly");
    }
    Instant now = clock.instant();
    Remembered remembered = valid.get(token);
    if (remembered != null
        && remembered.generation() == snapshot.get().generation()
        && now.isBefore(remembered.expiration())) {
      metrics.token("cached");
      return new TokenVerdict.Valid(remembered.claim(), remembered.expiration());
    }
    TokenVerdict verdict = verifyAfresh(token, snapshot.get(), now);
    switch (verdict) {
      case TokenVerdict.Valid ok -> {
        metrics.token("verified");
        remember(token, new Remembered(ok.claim(), ok.expiration(), snapshot.get().generation()));
      }
      case TokenVerdict.Malformed malformed -> metrics.token("malformed");
      case TokenVerdict.Refused refused -> metrics.token(refused.kind().label());
      case TokenVerdict.NoKeys noKeys -> metrics.token("no_keys");
    }
    return verdict;
  }

  /** Valid tokens remembered now. */
  int remembered() {
    return valid.size();
  }

  private void remember(String token, Remembered entry) {
    if (valid.size() >= maxRemembered) {
      // Bounded memory: expired ones first; if that is not enough, all (they verify again).
      Instant now = clock.instant();
      valid.values().removeIf(old -> !now.isBefore(old.expiration()));
      if (valid.size() >= maxRemembered) {
        valid.clear();
      }
    }
    valid.put(token, entry);
  }

  private TokenVerdict verifyAfresh(
      String token, ServiceAccountKeys.Snapshot snapshot, Instant now) {
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token.strip());
    } catch (ParseException e) {
      return new TokenVerdict.Malformed("the Authorization header is not a signed JWT");
    }
    JWSHeader header = jwt.getHeader();
    if (!ALGORITHMS.contains(header.getAlgorithm())) {
      return new TokenVerdict.Refused(
          TokenRefusal.ALGORITHM,
          "the token is signed with "
              + header.getAlgorithm()
              + ", which service-account tokens never are");
    }
    List<JWK> candidates = candidates(header, snapshot);
    if (candidates.isEmpty()) {
      keys.unknownKeySeen();
      return new TokenVerdict.Refused(
          TokenRefusal.UNKNOWN_KEY,
          "the token is signed by a key (kid "
              + abbreviate(header.getKeyID())
              + ") that is not one of the cluster's service-account keys");
    }
    if (!verifies(jwt, candidates)) {
      return new TokenVerdict.Refused(
          TokenRefusal.SIGNATURE, "the token's signature does not verify");
    }
    JWTClaimsSet claims;
    try {
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      return new TokenVerdict.Malformed("the token's claims are not a JSON object");
    }
    return checkClaims(claims, snapshot, now);
  }

  private TokenVerdict checkClaims(
      JWTClaimsSet claims, ServiceAccountKeys.Snapshot snapshot, Instant now) {
    if (!snapshot.issuers().isEmpty() && !snapshot.issuers().contains(claims.getIssuer())) {
      return new TokenVerdict.Refused(
          TokenRefusal.ISSUER,
          "the token's issuer " + abbreviate(claims.getIssuer()) + " is not the cluster's");
    }
    List<String> audiences = claims.getAudience();
    if (audiences == null || !audiences.contains(audience)) {
      return new TokenVerdict.Refused(
          TokenRefusal.AUDIENCE,
          "the token is not for audience "
              + audience
              + " (a projected token with that audience is needed: the webhook's pod identity"
              + " mode or an explicit serviceAccountToken volume)");
    }
    Date expiration = claims.getExpirationTime();
    if (expiration == null || !now.isBefore(expiration.toInstant())) {
      return new TokenVerdict.Refused(TokenRefusal.EXPIRED, "the token has expired");
    }
    Date notBefore = claims.getNotBeforeTime();
    if (notBefore != null && notBefore.toInstant().isAfter(now.plus(NOT_BEFORE_SKEW))) {
      return new TokenVerdict.Refused(TokenRefusal.NOT_YET_VALID, "the token is not valid yet");
    }
    Optional<PodClaim> pod = podClaim(claims);
    if (pod.isEmpty()) {
      return new TokenVerdict.Refused(
          TokenRefusal.NOT_POD_BOUND,
          "the token is not bound to a pod (its kubernetes.io claim names no pod, or"
              + " disagrees with its subject)");
    }
    return new TokenVerdict.Valid(pod.get(), expiration.toInstant());
  }

  /**
   * The pod a projected token was issued for: {@code kubernetes.io.namespace}, {@code .pod.name},
   * {@code .pod.uid}, {@code .serviceaccount.name}, {@code .node.name} (optional), consistent with
   * {@code sub = system:serviceaccount:NAMESPACE:NAME}.
   */
  static Optional<PodClaim> podClaim(JWTClaimsSet claims) {
    Object kubernetes = claims.getClaim("kubernetes.io");
    if (!(kubernetes instanceof Map<?, ?> bound)) {
      return Optional.empty();
    }
    String namespace = text(bound.get("namespace"));
    String podName = text(member(bound, "pod", "name"));
    String podUid = text(member(bound, "pod", "uid"));
    String account = text(member(bound, "serviceaccount", "name"));
    String node = text(member(bound, "node", "name"));
    if (namespace == null || podName == null || podUid == null || account == null) {
      return Optional.empty();
    }
    if (!("system:serviceaccount:" + namespace + ":" + account).equals(claims.getSubject())) {
      return Optional.empty();
    }
    return Optional.of(new PodClaim(namespace, podName, podUid, account, node));
  }

  private static Object member(Map<?, ?> map, String object, String field) {
    return map.get(object) instanceof Map<?, ?> inner ? inner.get(field) : null;
  }

  private static String text(Object value) {
    return value instanceof String string && !string.isEmpty() ? string : null;
  }

  /** The key the header names; without a {@code kid}, every key of the algorithm's family. */
  private static List<JWK> candidates(JWSHeader header, ServiceAccountKeys.Snapshot snapshot) {
    if (header.getKeyID() != null) {
      return snapshot.key(header.getKeyID()).map(List::of).orElse(List.of());
    }
    List<JWK> all = new ArrayList<>();
    for (JWK key : snapshot.keys().getKeys()) {
      if (fits(key, header.getAlgorithm())) {
        all.add(key);
      }
    }
    return all;
  }

  private static boolean fits(JWK key, JWSAlgorithm algorithm) {
    return key instanceof RSAKey
        ? JWSAlgorithm.Family.RSA.contains(algorithm)
        : key instanceof ECKey && JWSAlgorithm.Family.EC.contains(algorithm);
  }

  private static boolean verifies(SignedJWT jwt, List<JWK> candidates) {
    for (JWK key : candidates) {
      if (!fits(key, jwt.getHeader().getAlgorithm())) {
        continue;
      }
      try {
        JWSVerifier verifier =
            key instanceof RSAKey rsa ? new RSASSAVerifier(rsa) : new ECDSAVerifier((ECKey) key);
        if (jwt.verify(verifier)) {
          return true;
        }
      } catch (JOSEException e) {
        // A key that cannot verify this token (a curve mismatch): try the next.
      }
    }
    return false;
  }

  private static String abbreviate(String value) {
    if (value == null) {
      return "(none)";
    }
    return value.length() <= 80 ? value : value.substring(0, 80) + "…";
  }
}
