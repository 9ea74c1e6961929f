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

  /**
   * What {@code --container-credentials-listen} says by default: EKS Pod Identity's addresses where
   * this process puts them on the node, off elsewhere.
   */
  static final String DEFAULT_LISTEN = "auto";

  /** EKS Pod Identity's addresses, those of the URI the webhook's pod identity mode injects. */
  static final List<String> NODE_ADDRESSES = List.of("169.254.170.23:80", "[fd00:ec2::23]:80");

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(
      names = "--container-credentials-listen",
      paramLabel = "HOST:PORT|none",
      split = ",",
      defaultValue = DEFAULT_LISTEN,
      description =
          "Where the container-credentials endpoint (GET /v1/credentials, EKS Pod Identity's"
              + " protocol) listens; repeatable or comma-separated, or none (default:"
              + " ${DEFAULT-VALUE}: 169.254.170.23:80 and [fd00:ec2::23]:80, the addresses of the"
              + " AWS_CONTAINER_CREDENTIALS_FULL_URI the webhook's pod identity mode injects, when"
              + " this process keeps the node's interception rule, whose installation puts them on"
              + " a link first; otherwise off).")
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
   * @param onTheNode whether this process puts EKS Pod Identity's addresses on the node (it keeps
   *     or removes the interception rule): {@code auto} means them then, and off otherwise, since
   *     nothing could listen there
   * @throws ParameterException when an address is not one, or {@code none} or {@code auto} comes
   *     with others
   */
  List<InetSocketAddress> listenAddresses(boolean onTheNode) {
    List<String> values = listen.stream().map(String::strip).filter(v -> !v.isEmpty()).toList();
    for (String word : List.of("none", "auto")) {
      if (values.stream().anyMatch(v -> v.equalsIgnoreCase(word)) && values.size() > 1) {
        throw invalid(
            command,
            "--container-credentials-listen "
                + word
                + " stands for the whole setting: give it alone, or only addresses");
      }
    }
    if (values.size() == 1 && values.getFirst().equalsIgnoreCase("none")) {
      return List.of();
    }
    if (values.size() == 1 && values.getFirst().equalsIgnoreCase("auto")) {
      if (!onTheNode) {
        return List.of();
      }
      values = NODE_ADDRESSES;
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
   * @param onTheNode as for {@link #listenAddresses(boolean)}
   */
  Optional<ContainerCredentialsSettings> settings(MetadataSettings limits, boolean onTheNode) {
    List<InetSocketAddress> addresses = listenAddresses(onTheNode);
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
