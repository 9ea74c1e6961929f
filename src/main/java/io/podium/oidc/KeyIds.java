package io.podium.oidc;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;

/**
 * The {@code kid} the Kubernetes API server gives a service-account signing key, so that the JWKS
 * published here names each key exactly as the cluster's tokens do.
 *
 * <p>kubernetes/kubernetes {@code pkg/serviceaccount/jwt.go}, {@code keyIDFromPublicKey}: {@code
 * x509.MarshalPKIXPublicKey} (the DER SubjectPublicKeyInfo), SHA-256, then {@code
 * base64.RawURLEncoding} (URL alphabet, no padding). The JDK's {@link PublicKey#getEncoded()} of an
 * RSA or EC key is that same X.509 SubjectPublicKeyInfo DER.
 */
public final class KeyIds {

  private KeyIds() {}

  /** The API server's key id of {@code key}. */
  public static String keyId(PublicKey key) {
    if (!"X.509".equals(key.getFormat())) {
      throw new IllegalArgumentException(
          "a " + key.getAlgorithm() + " key in " + key.getFormat() + " format has no PKIX DER");
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
