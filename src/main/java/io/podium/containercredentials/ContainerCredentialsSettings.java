package io.podium.containercredentials;

import io.podium.imds.MetadataSettings;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * Where and for whom the container-credentials endpoint answers, validated.
 *
 * @param listen the addresses it binds ({@code --container-credentials-listen}), at least one
 * @param audience the audience a token must carry ({@code --container-credentials-audience})
 * @param limits the connection caps, timeouts, header limits and per-source rate, shared with the
 *     metadata API's flags ({@code --max-requests-per-second}, {@code --imds-request-timeout})
 */
public record ContainerCredentialsSettings(
    List<InetSocketAddress> listen, String audience, MetadataSettings limits) {

  /** Where SDKs find EKS Pod Identity's agent: what the webhook's injected URI names. */
  public static final List<String> DEFAULT_LISTEN =
      List.of("169.254.170.23:80", "[fd00:ec2::23]:80");

  /** The audience of the tokens the EKS Pod Identity webhook mode projects. */
  public static final String DEFAULT_AUDIENCE = "pods.eks.amazonaws.com";

  /** The one route, as EKS Pod Identity's agent serves it. */
  public static final String PATH = "/v1/credentials";

  public ContainerCredentialsSettings {
    listen = List.copyOf(listen);
    Objects.requireNonNull(audience, "audience");
    Objects.requireNonNull(limits, "limits");
    if (listen.isEmpty()) {
      throw new IllegalArgumentException("the container-credentials endpoint needs an address");
    }
    if (audience.isBlank()) {
      throw new IllegalArgumentException("--container-credentials-audience must not be empty");
    }
    if (listen.stream().distinct().count() != listen.size()) {
      throw new IllegalArgumentException(
          "--container-credentials-listen names an address twice: " + listen);
    }
  }
}
