package io.podium.oidc;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import tools.jackson.databind.json.JsonMapper;

/**
 * The two documents a relying party such as IAM fetches from an issuer: the OIDC discovery document
 * ({@code /.well-known/openid-configuration}) and the JWKS at its {@code jwks_uri}. The discovery
 * document has exactly the fields the Kubernetes API server serves ({@code
 * pkg/serviceaccount/openidmetadata.go}): issuer, jwks_uri, {@code response_types_supported:
 * ["id_token"]}, {@code subject_types_supported: ["public"]}, and the sorted algorithms of the
 * keys.
 *
 * @param issuer the issuer
 * @param jwksUri where the JWKS is published
 * @param keys the public keys, current first, then those kept after retirement
 */
public record IssuerDocuments(IssuerUrl issuer, URI jwksUri, List<JWK> keys) {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  public IssuerDocuments {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(jwksUri, "jwksUri");
    keys = List.copyOf(keys);
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("an issuer needs at least one signing key");
    }
    for (JWK key : keys) {
      if (key.isPrivate()) {
        throw new IllegalArgumentException("key " + key.getKeyID() + " has a private part");
      }
      if (key.getKeyID() == null || key.getAlgorithm() == null) {
        throw new IllegalArgumentException("every published key needs a kid and an alg");
      }
    }
  }

  /** The discovery document, as JSON bytes. */
  public byte[] discoveryJson() {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("issuer", issuer.toString());
    document.put("jwks_uri", jwksUri.toString());
    document.put("response_types_supported", List.of("id_token"));
    document.put("subject_types_supported", List.of("public"));
    document.put("id_token_signing_alg_values_supported", algorithms());
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(document);
  }

  /** The JWKS, public keys only, as JSON bytes. */
  public byte[] jwksJson() {
    Map<String, Object> set = new JWKSet(keys).toJSONObject(true);
    return JSON.writerWithDefaultPrettyPrinter()
        .writeValueAsString(set)
        .getBytes(StandardCharsets.UTF_8);
  }

  /** The keys' algorithms, sorted and without repeats, as the API server lists them. */
  public List<String> algorithms() {
    TreeSet<String> algorithms = new TreeSet<>();
    keys.forEach(key -> algorithms.add(key.getAlgorithm().getName()));
    return List.copyOf(algorithms);
  }
}
