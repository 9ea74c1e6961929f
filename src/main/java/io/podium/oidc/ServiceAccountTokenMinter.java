package io.podium.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.factories.DefaultJWSSignerFactory;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Mints tokens shaped like the API server's projected service-account tokens ({@code iss}, {@code
 * sub = system:serviceaccount:NS:NAME}, {@code aud}, {@code exp}, {@code iat}, {@code nbf}, the
 * {@code kubernetes.io} claim), signed with a key pair whose {@code kid} is the API server's. For
 * development and tests, where no API server signs: the STS emulator verifies them through the JWKS
 * {@code podium oidc documents} writes for the same key.
 */
public final class ServiceAccountTokenMinter {

  private final IssuerUrl issuer;
  private final JWK publicKey;
  private final JWSSigner signer;

  /**
   * @param keyPair an RSA or EC (P-256, P-384, P-521) key pair
   */
  public ServiceAccountTokenMinter(IssuerUrl issuer, KeyPair keyPair) {
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.publicKey = SigningKeys.jwk(keyPair.getPublic());
    JWK privateKey =
        switch (publicKey) {
          case RSAKey rsa -> new RSAKey.Builder(rsa).privateKey(keyPair.getPrivate()).build();
          case ECKey ec -> new ECKey.Builder(ec).privateKey(keyPair.getPrivate()).build();
          default -> throw new IllegalArgumentException("an RSA or EC key pair is needed");
        };
    try {
      this.signer = new DefaultJWSSignerFactory().createJWSSigner(privateKey);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("cannot sign with this key: " + e.getMessage(), e);
    }
  }

  /** The public key as the JWKS lists it. */
  public JWK publicKey() {
    return publicKey;
  }

  /**
   * A token for a pod's service account.
   *
   * @param namespace the service account's namespace
   * @param serviceAccount its name
   * @param audiences the {@code aud} claim, e.g. {@code sts.amazonaws.com}
   * @param issuedAt {@code iat} and {@code nbf}
   * @param expiration {@code exp}
   */
  public String mint(
      String namespace,
      String serviceAccount,
      List<String> audiences,
      Instant issuedAt,
      Instant expiration) {
    return mint(
        new JWTClaimsSet.Builder()
            .issuer(issuer.toString())
            .subject("system:serviceaccount:" + namespace + ":" + serviceAccount)
            .audience(audiences)
            .issueTime(Date.from(issuedAt))
            .notBeforeTime(Date.from(issuedAt))
            .expirationTime(Date.from(expiration))
            .claim(
                "kubernetes.io",
                Map.of(
                    "namespace",
                    namespace,
                    "serviceaccount",
                    Map.of("name", serviceAccount, "uid", "00000000-0000-0000-0000-000000000000")))
            .build());
  }

  /**
   * A token bound to a pod, as the kubelet asks the API server for one (a projected volume's {@code
   * serviceAccountToken}): the {@code kubernetes.io} claim names the namespace, the pod (name and
   * uid), the service account and, when given, the node, as Kubernetes 1.30+ does.
   *
   * @param pod the pod's namespace, name, uid, service account and node
   * @param audiences the {@code aud} claim ({@code sts.amazonaws.com} for IRSA, {@code
   *     pods.eks.amazonaws.com} for Pod Identity)
   */
  public String mintForPod(
      BoundPod pod, List<String> audiences, Instant issuedAt, Instant expiration) {
    Map<String, Object> kubernetes = new LinkedHashMap<>();
    kubernetes.put("namespace", pod.namespace());
    if (pod.node() != null) {
      kubernetes.put("node", Map.of("name", pod.node(), "uid", stableUid("node/" + pod.node())));
    }
    kubernetes.put("pod", Map.of("name", pod.name(), "uid", pod.uid()));
    kubernetes.put(
        "serviceaccount",
        Map.of(
            "name",
            pod.serviceAccount(),
            "uid",
            stableUid("serviceaccount/" + pod.namespace() + "/" + pod.serviceAccount())));
    return mint(
        new JWTClaimsSet.Builder()
            .issuer(issuer.toString())
            .subject("system:serviceaccount:" + pod.namespace() + ":" + pod.serviceAccount())
            .audience(audiences)
            .issueTime(Date.from(issuedAt))
            .notBeforeTime(Date.from(issuedAt))
            .expirationTime(Date.from(expiration))
            .claim("kubernetes.io", kubernetes)
            .build());
  }

  /**
   * The pod a token is minted for.
   *
   * @param node {@code null} when the pod is not scheduled
   */
  public record BoundPod(
      String namespace, String name, String uid, String serviceAccount, String node) {
    public BoundPod {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(uid, "uid");
      Objects.requireNonNull(serviceAccount, "serviceAccount");
    }
  }

  /** The issuer the tokens carry. */
  public IssuerUrl issuer() {
    return issuer;
  }

  private static String stableUid(String name) {
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
  }

  /** A token with exactly these claims, signed with this minter's key and {@code kid}. */
  public String mint(JWTClaimsSet claims) {
    JWSHeader header =
        new JWSHeader.Builder(JWSAlgorithm.parse(publicKey.getAlgorithm().getName()))
            .keyID(publicKey.getKeyID())
            .type(JOSEObjectType.JWT)
            .build();
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("signing failed: " + e.getMessage(), e);
    }
    return jwt.serialize();
  }
}
