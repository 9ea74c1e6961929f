package io.podium.cli;

import static io.podium.cli.OptionErrors.invalid;

import io.podium.containercredentials.ContainerCredentialsSettings;
import io.podium.imds.MetadataSettings;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options of the container-credentials endpoint (EKS Pod Identity's protocol), mixed into every
 * command that serves pods ({@code podium agent}, {@code podium standalone}, {@code podium dev}).
 * Defaults are production's: EKS Pod Identity's own addresses; {@code podium dev} listens on
 * loopback instead.
 */
final class ContainerCredentialsOptions {

  /** What {@code --container-credentials-listen} says by default, comma-separated. */
  static final String DEFAULT_LISTEN = "169.254.170.23:80,[fd00:ec2::23]:80";

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(
      names = "--container-credentials-listen",
      paramLabel = "HOST:PORT|none",
      split = ",",
      defaultValue = DEFAULT_LISTEN,
      description =
          "Where the container-credentials endpoint (GET /v1/credentials, EKS Pod Identity's"
              + " protocol) listens; repeatable or comma-separated (default: ${DEFAULT-VALUE}, the"
              + " addresses of AWS_CONTAINER_CREDENTIALS_FULL_URI that the webhook's pod identity"
              + " mode injects; on a node, the rule installation puts them on a link first). none turns it off.")
  List<String> listen = new ArrayList<>();

  @Option(
      names = "--container-credentials-audience",
      paramLabel = "AUDIENCE",
      defaultValue = ContainerCredentialsSettings.DEFAULT_AUDIENCE,
      description =
          "The audience a pod's service-account token must carry (default: ${DEFAULT-VALUE}, the"
              + " audience of EKS Pod Identity's projected tokens).")
  String audience;

  @Option(
      names = "--container-credentials-check-ip",
      arity = "0..1",
      defaultValue = "true",
      fallbackValue = "true",
      paramLabel = "true|false",
      description =
          "The caller's TCP source address must be one of the token's pod's addresses, so that a"
              + " stolen token is useless from anywhere else (default: ${DEFAULT-VALUE}). false"
              + " trusts the token alone, as EKS does (for CNIs that hide pods' addresses).")
  boolean checkIp;

  /**
   * The addresses to listen on; empty when the endpoint is off.
   *
   * @throws ParameterException when an address is not one, or {@code none} comes with others
   */
  List<InetSocketAddress> listenAddresses() {
    List<String> values = listen.stream().map(String::strip).filter(v -> !v.isEmpty()).toList();
    if (values.stream().anyMatch(v -> v.equalsIgnoreCase("none"))) {
      if (values.size() > 1) {
        throw invalid(
            command,
            "--container-credentials-listen none turns the endpoint off: give it alone, or only"
                + " addresses");
      }
      return List.of();
    }
    List<InetSocketAddress> addresses = new ArrayList<>();
    try {
      for (String value : values) {
        addresses.add(
            HostPort.listenAddress("--container-credentials-listen", value, "169.254.170.23:80"));
      }
    } catch (IllegalArgumentException e) {
      throw invalid(command, e);
    }
    return addresses;
  }

  /**
   * The validated settings, or empty when the endpoint is off.
   *
   * @param limits the metadata API's connection caps, timeouts and rate, which apply here too
   */
  Optional<ContainerCredentialsSettings> settings(MetadataSettings limits) {
    List<InetSocketAddress> addresses = listenAddresses();
    if (addresses.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new ContainerCredentialsSettings(addresses, audience.strip(), limits));
    } catch (IllegalArgumentException e) {
      throw invalid(command, e);
    }
  }
}
