package io.podium.oidc;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Service-account signing keys as public JWKs: read from the PEM files the API server is given
 * ({@code --service-account-key-file}: public keys, certificates, or the private key itself) and
 * described as the API server describes them in its own JWKS — {@code kid} from {@link KeyIds},
 * {@code use: sig}, RS256 for RSA, ES256/ES384/ES512 for the P-256/P-384/P-521 curves
 * (kubernetes/kubernetes {@code pkg/serviceaccount/openidmetadata.go}, {@code
 * algorithmFromPublicKey}). Private parts never leave this class.
 */
public final class SigningKeys {

  private SigningKeys() {}

  /**
   * Every key in a PEM file, as public JWKs.
   *
   * @throws InvalidKeyFileException naming the file and what is wrong with it
   */
  public static List<JWK> read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      throw new InvalidKeyFileException(file, "cannot be read (" + e.getMessage() + ")", e);
    }
    List<PublicKey> keys = new ArrayList<>();
    try (Reader reader = new StringReader(text);
        PEMParser pem = new PEMParser(reader)) {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      Object object;
      while ((object = pem.readObject()) != null) {
        keys.add(publicKey(file, object, converter));
      }
    } catch (IOException e) {
      throw new InvalidKeyFileException(file, "is not valid PEM (" + e.getMessage() + ")", e);
    }
    if (keys.isEmpty()) {
      throw new InvalidKeyFileException(
          file, "holds no PEM key (expected -----BEGIN PUBLIC KEY----- or a certificate)", null);
    }
    List<JWK> jwks = new ArrayList<>();
    for (PublicKey key : keys) {
      try {
        jwks.add(jwk(key));
      } catch (IllegalArgumentException e) {
        throw new InvalidKeyFileException(
            file,
            Objects.requireNonNullElse(e.getMessage(), "holds a key that cannot sign tokens"),
            e);
      }
    }
    return List.copyOf(jwks);
  }

  /**
   * The public JWK the API server would publish for {@code key}.
   *
   * @throws IllegalArgumentException for a key the API server cannot sign with
   */
  public static JWK jwk(PublicKey key) {
    String kid = KeyIds.keyId(key);
    return switch (key) {
      case RSAPublicKey rsa ->
          new RSAKey.Builder(rsa)
              .keyID(kid)
              .keyUse(KeyUse.SIGNATURE)
              .algorithm(JWSAlgorithm.RS256)
              .build();
      case ECPublicKey ec -> {
        Curve curve = Curve.forECParameterSpec(ec.getParams());
        JWSAlgorithm algorithm = algorithm(curve);
        yield new ECKey.Builder(curve, ec)
            .keyID(kid)
            .keyUse(KeyUse.SIGNATURE)
            .algorithm(algorithm)
            .build();
      }
      default ->
          throw new IllegalArgumentException(
              "holds a "
                  + key.getAlgorithm()
                  + " key; service-account tokens are signed with RSA or EC keys");
    };
  }

  private static JWSAlgorithm algorithm(Curve curve) {
    if (Curve.P_256.equals(curve)) {
      return JWSAlgorithm.ES256;
    }
    if (Curve.P_384.equals(curve)) {
      return JWSAlgorithm.ES384;
    }
    if (Curve.P_521.equals(curve)) {
      return JWSAlgorithm.ES512;
    }
    throw new IllegalArgumentException(
        "holds an EC key on "
            + (curve == null ? "an unknown curve" : curve.getName())
            + "; the API server signs with P-256, P-384 or P-521 only");
  }

  private static PublicKey publicKey(Path file, Object object, JcaPEMKeyConverter converter)
      throws IOException {
    return switch (object) {
      case SubjectPublicKeyInfo info -> converter.getPublicKey(info);
      case X509CertificateHolder certificate ->
          converter.getPublicKey(certificate.getSubjectPublicKeyInfo());
      case PEMKeyPair pair -> converter.getPublicKey(pair.getPublicKeyInfo());
      case PrivateKeyInfo info -> publicOf(file, info, converter);
      default ->
          throw new InvalidKeyFileException(
              file,
              "holds a "
                  + object.getClass().getSimpleName()
                  + ", not a public key, certificate or unencrypted private key",
              null);
    };
  }

  /**
   * A PKCS#8 private key ({@code BEGIN PRIVATE KEY}): an RSA key's public half is in the key
   * itself; an EC key in PKCS#8 may lack it, so it is refused with the command that extracts it.
   */
  private static PublicKey publicOf(Path file, PrivateKeyInfo info, JcaPEMKeyConverter converter)
      throws IOException {
    if (converter.getPrivateKey(info) instanceof RSAPrivateCrtKey rsa) {
      try {
        return KeyFactory.getInstance("RSA")
            .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
      } catch (GeneralSecurityException e) {
        throw new InvalidKeyFileException(file, "holds an unusable RSA private key", e);
      }
    }
    throw new InvalidKeyFileException(
        file,
        "holds a PKCS#8 private key other than RSA; give its public key instead"
            + " (openssl pkey -in KEY -pubout)",
        null);
  }
}
