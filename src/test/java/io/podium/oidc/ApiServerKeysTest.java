package io.podium.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Keys read from the API server's own discovery endpoints, through fabric8's raw requests. */
class ApiServerKeysTest {

  private final KubernetesMockServer server = new KubernetesMockServer(false);
  private KubernetesClient client;

  @BeforeEach
  void start() {
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient();
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  @Test
  void readsTheIssuerAndKeepsTheApiServersKids() {
    JWK key = SigningKeys.jwk(TestKeys.rsa().getPublic());
    server
        .expect()
        .get()
        .withPath("/.well-known/openid-configuration")
        .andReturn(
            200,
            "{\"issuer\":\"https://kubernetes.default.svc.cluster.local\","
                + "\"jwks_uri\":\"https://10.0.0.1:6443/openid/v1/jwks\"}")
        .always();
    server
        .expect()
        .get()
        .withPath("/openid/v1/jwks")
        .andReturn(200, new JWKSet(List.of(key)).toString(true))
        .always();

    KeySource.Keys keys = new ApiServerKeys(client).read();

    assertThat(keys.clusterIssuer())
        .isEqualTo(Optional.of("https://kubernetes.default.svc.cluster.local"));
    assertThat(keys.keys()).extracting(JWK::getKeyID).containsExactly(key.getKeyID());
    assertThat(keys.keys().getFirst().getAlgorithm().getName()).isEqualTo("RS256");
  }

  @Test
  void saysWhichRoleIsNeededWhenTheEndpointIsNotThere() {
    assertThatThrownBy(() -> new ApiServerKeys(client).read())
        .isInstanceOf(KeySourceException.class)
        .hasMessageContaining("/.well-known/openid-configuration");
  }
}
