package io.podium.stsemulator;

import java.util.List;
import java.util.Objects;

/**
 * An OIDC provider registered with the emulator, as IAM holds one: the issuer URL (exactly as the
 * tokens' {@code iss}), its keys, and the audiences it accepts (IAM's client ids).
 *
 * @param issuer the issuer, e.g. {@code https://oidc.example.com/cluster}
 * @param keys where its JWKS comes from
 * @param clientIds the accepted audiences; a token must carry one of them in {@code aud}
 */
public record OidcProvider(String issuer, JwksSource keys, List<String> clientIds) {

  /** What IRSA's webhook and EKS put in projected tokens. */
  public static final String DEFAULT_CLIENT_ID = "sts.amazonaws.com";

  public OidcProvider {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(keys, "keys");
    clientIds = List.copyOf(clientIds);
    if (!issuer.startsWith("https://")) {
      throw new IllegalArgumentException(
          "issuer " + issuer + " must start with https://, as IAM requires");
    }
    if (clientIds.isEmpty()) {
      throw new IllegalArgumentException("issuer " + issuer + " needs at least one audience");
    }
  }

  /** The issuer without {@code https://}: the provider's name in ARNs and condition keys. */
  public String name() {
    String name = issuer.substring("https://".length());
    return name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
  }
}
