package io.podium.oidc;

import com.nimbusds.jose.jwk.JWK;
import java.util.List;
import java.util.Optional;

/** Where the cluster's service-account signing keys are read from, again on every sync. */
public interface KeySource {

  /**
   * The keys now.
   *
   * @throws KeySourceException when they cannot be read, saying why
   */
  Keys read();

  /** What a source says, for messages. */
  String describe();

  /**
   * The public keys that sign the cluster's tokens now.
   *
   * @param keys public JWKs with kid, use and alg
   * @param clusterIssuer the {@code iss} of the cluster's tokens, when the source knows it (the API
   *     server's discovery document does; key files do not)
   */
  record Keys(List<JWK> keys, Optional<String> clusterIssuer) {
    public Keys {
      keys = List.copyOf(keys);
    }
  }
}
