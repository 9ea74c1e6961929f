package io.podium.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWK;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key ids as the API server computes them, and keys read from the PEM forms it accepts. */
class OidcKeyIdTest {

  /** Computed with openssl: {@code openssl pkey -pubin -outform DER | openssl dgst -sha256}. */
  private static final String RSA_KID = "grlFHP6_bzkc__86ctvGNZOKYpJIM5JC0K9UMZMApVg";

  private static final String EC_KID = "UKDCDRYrLKdT5BtsiT9uYmadU7dpPyFgbvHW8_9qJxo";

  @TempDir Path dir;

  private static Path resource(String name) throws Exception {
    return Path.of(OidcKeyIdTest.class.getResource("/oidc/" + name).toURI());
  }

  @Test
  void keyIdIsTheUnpaddedBase64UrlSha256OfTheDerPublicKey() throws Exception {
    KeyPair pair = TestKeys.rsa();
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(pair.getPublic().getEncoded());
    String expected = Base64.getUrlEncoder().withoutPadding().encodeToString(digest);

    assertThat(KeyIds.keyId(pair.getPublic())).isEqualTo(expected).hasSize(43).doesNotContain("=");
  }

  @Test
  void keyIdsMatchTheOpensslVectorsForRsaAndEcKeys() throws Exception {
    assertThat(SigningKeys.read(resource("rsa-public.pem")))
        .singleElement()
        .extracting(JWK::getKeyID)
        .isEqualTo(RSA_KID);
    assertThat(SigningKeys.read(resource("ec-public.pem")))
        .singleElement()
        .extracting(JWK::getKeyID)
        .isEqualTo(EC_KID);
  }

  @Test
  void describesKeysAsTheApiServerDoes() throws Exception {
    JWK rsa = SigningKeys.read(resource("rsa-public.pem")).getFirst();
    JWK ec = SigningKeys.read(resource("ec-public.pem")).getFirst();

    assertThat(rsa.getKeyUse().identifier()).isEqualTo("sig");
    assertThat(rsa.getAlgorithm().getName()).isEqualTo("RS256");
    assertThat(ec.getAlgorithm().getName()).isEqualTo("ES256");
    assertThat(rsa.isPrivate()).isFalse();
  }

  @Test
  void readsThePublicHalfOfPrivateKeyFilesAndConcatenatedKeys() throws Exception {
    Path both = dir.resolve("both.pem");
    Files.writeString(
        both,
        Files.readString(resource("rsa-public.pem")) + Files.readString(resource("ec-public.pem")));

    assertThat(SigningKeys.read(resource("rsa-private-pkcs1.pem")))
        .extracting(JWK::getKeyID)
        .containsExactly(RSA_KID);
    assertThat(SigningKeys.read(resource("rsa-private-pkcs8.pem")))
        .extracting(JWK::getKeyID)
        .containsExactly(RSA_KID);
    assertThat(SigningKeys.read(both)).extracting(JWK::getKeyID).containsExactly(RSA_KID, EC_KID);
  }

  @Test
  void refusesFilesWithoutKeysNamingTheFile() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty.pem"), "not pem\n");

    assertThatThrownBy(() -> SigningKeys.read(empty))
        .isInstanceOf(InvalidKeyFileException.class)
        .hasMessageContaining("empty.pem")
        .hasMessageContaining("no PEM key");
  }

  @Test
  void documentsListTheIssuerJwksUriAndSortedAlgorithms() throws Exception {
    IssuerUrl issuer = IssuerUrl.parse("https://oidc.example.com/prod");
    List<JWK> keys =
        List.of(
            SigningKeys.read(resource("rsa-public.pem")).getFirst(),
            SigningKeys.read(resource("ec-public.pem")).getFirst());

    IssuerDocuments documents = new IssuerDocuments(issuer, issuer.defaultJwksUri(), keys);
    String discovery = new String(documents.discoveryJson(), StandardCharsets.UTF_8);

    assertThat(discovery)
        .contains("\"issuer\" : \"https://oidc.example.com/prod\"")
        .contains("\"jwks_uri\" : \"https://oidc.example.com/prod/openid/v1/jwks\"")
        .contains("\"response_types_supported\" : [ \"id_token\" ]")
        .contains("\"subject_types_supported\" : [ \"public\" ]")
        .contains("\"id_token_signing_alg_values_supported\" : [ \"ES256\", \"RS256\" ]");
    assertThat(new String(documents.jwksJson(), StandardCharsets.UTF_8))
        .contains(RSA_KID, EC_KID, "\"use\" : \"sig\"")
        .doesNotContain("\"d\"");
  }
}
