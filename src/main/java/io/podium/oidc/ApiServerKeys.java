package io.podium.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.security.PublicKey;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keys as the API server publishes them itself: {@code GET /.well-known/openid-configuration} for
 * the issuer of its tokens and {@code GET /openid/v1/jwks} for the keys, through fabric8's raw
 * requests (RBAC: the {@code system:service-account-issuer-discovery} ClusterRole). The API
 * server's own {@code kid}s are kept: its tokens carry them.
 */
public final class ApiServerKeys implements KeySource {

  private static final Logger log = LoggerFactory.getLogger(ApiServerKeys.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final KubernetesClient client;

  public ApiServerKeys(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public Keys read() {
    String discovery = get(IssuerUrl.DISCOVERY_PATH);
    Optional<String> issuer;
    try {
      JsonNode document = JSON.readTree(discovery);
      issuer =
          document.path("issuer").isString()
              ? Optional.of(document.get("issuer").stringValue())
              : Optional.empty();
    } catch (JacksonException e) {
      throw new KeySourceException(
          "the API server's " + IssuerUrl.DISCOVERY_PATH + " is not JSON", e);
    }
    JWKSet set;
    try {
      set = JWKSet.parse(get(IssuerUrl.JWKS_PATH));
    } catch (ParseException e) {
      throw new KeySourceException(
          "the API server's " + IssuerUrl.JWKS_PATH + " is not a JWKS: " + e.getMessage(), e);
    }
    List<JWK> keys = new ArrayList<>();
    for (JWK key : set.toPublicJWKSet().getKeys()) {
      JWK described = describe(key);
      if (!described.getKeyID().equals(computedKid(described))) {
        log.debug(
            "the API server names key {} differently from its DER hash; keeping its kid",
            described.getKeyID());
      }
      keys.add(described);
    }
    return new Keys(keys, issuer);
  }

  @Override
  public String describe() {
    return "the API server at " + client.getMasterUrl();
  }

  private String get(String path) {
    String body;
    try {
      body = client.raw(path);
    } catch (KubernetesClientException e) {
      throw new KeySourceException(
          "GET " + path + " on " + client.getMasterUrl() + " failed: " + e.getMessage(), e);
    }
    if (body == null) {
      throw new KeySourceException(
          "GET "
              + path
              + " on "
              + client.getMasterUrl()
              + " found nothing: the API server serves it to callers bound to the"
              + " system:service-account-issuer-discovery ClusterRole",
          null);
    }
    return body;
  }

  /**
   * The key with {@code use} and {@code alg} as the API server would set them, if it left any out.
   */
  private static JWK describe(JWK key) {
    try {
      JWK standard = SigningKeys.jwk(publicKey(key));
      if (key.getKeyID() != null && key.getAlgorithm() != null && key.getKeyUse() != null) {
        return key;
      }
      return switch (key) {
        case RSAKey rsa ->
            new RSAKey.Builder(rsa)
                .keyID(rsa.getKeyID() == null ? standard.getKeyID() : rsa.getKeyID())
                .keyUse(KeyUse.SIGNATURE)
                .algorithm(standard.getAlgorithm())
                .build();
        case ECKey ec ->
            new ECKey.Builder(ec)
                .keyID(ec.getKeyID() == null ? standard.getKeyID() : ec.getKeyID())
                .keyUse(KeyUse.SIGNATURE)
                .algorithm(standard.getAlgorithm())
                .build();
        default -> throw new IllegalArgumentException("unsupported key type " + key.getKeyType());
      };
    } catch (IllegalArgumentException e) {
      throw new KeySourceException(
          "the API server publishes a key that cannot sign tokens: " + e.getMessage(), e);
    }
  }

  private static String computedKid(JWK key) {
    return KeyIds.keyId(publicKey(key));
  }

  private static PublicKey publicKey(JWK key) {
    try {
      return switch (key) {
        case RSAKey rsa -> rsa.toRSAPublicKey();
        case ECKey ec -> ec.toECPublicKey();
        default -> throw new IllegalArgumentException("unsupported key type " + key.getKeyType());
      };
    } catch (JOSEException e) {
      throw new IllegalArgumentException("unreadable " + key.getKeyType() + " key", e);
    }
  }
}
