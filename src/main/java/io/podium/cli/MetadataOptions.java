package io.podium.cli;

import static io.podium.cli.OptionErrors.invalid;

import io.podium.imds.MetadataSettings;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options of the EC2 metadata API, mixed into every command that serves pods ({@code podium
 * agent}, {@code podium standalone}, {@code podium dev}) and turned into one {@link
 * MetadataSettings} at start-up. Defaults are production's; {@code podium dev} overrides the listen
 * address, the upstream ({@code none}) and the placement.
 *
 * <p>The node's region is not an option here: {@link StsOptions} already declares {@code --region}
 * with the same meaning, and picocli refuses one name in two mixins; the command passes it to
 * {@link #settings(String)}.
 */
final class MetadataOptions {

  /** Where the metadata API listens unless told otherwise. */
  static final String DEFAULT_LISTEN = "0.0.0.0:8181";

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(
      names = "--imds-listen",
      paramLabel = "HOST:PORT",
      defaultValue = DEFAULT_LISTEN,
      description =
          "Where the metadata API listens; the interception rule sends the pods' traffic for"
              + " 169.254.169.254:80 here (default: ${DEFAULT-VALUE}). IPv6: [::]:8181.")
  String imdsListen;

  @Option(
      names = "--availability-zone",
      paramLabel = "ZONE",
      description =
          "Answer placement/availability-zone with this zone, e.g. eu-west-1a, instead of asking"
              + " the node's metadata service.")
  String availabilityZone;

  @Option(
      names = "--require-imdsv2",
      description =
          "Refuse requests without an IMDSv2 token (401), as an instance with HttpTokens=required"
              + " does. Without it, token-less (IMDSv1) requests are answered; a token, when sent,"
              + " is always checked.")
  boolean requireImdsv2;

  @Option(
      names = "--metadata-upstream",
      paramLabel = "URI|none",
      defaultValue = "http://169.254.169.254",
      description =
          "The node's real metadata service, asked for allow-listed paths only (default:"
              + " ${DEFAULT-VALUE}); none turns passthrough off (those paths then answer 404).")
  String metadataUpstream;

  @Option(
      names = "--allow-route-regexp",
      paramLabel = "REGEX",
      description =
          "RE2 regular expression over the whole request path (anchored) of what may pass through"
              + " to --metadata-upstream, replacing the default allow-list (instance-id,"
              + " instance-type, hostname, local-hostname, local-ipv4, mac, placement/*,"
              + " dynamic/instance-identity/document). user-data, meta-data/iam/*,"
              + " identity-credentials and identity signatures never pass, whatever it says.")
  String allowRouteRegexp;

  @Option(
      names = "--max-requests-per-second",
      paramLabel = "N",
      defaultValue = "100",
      description =
          "Requests a second each source address may send, twice as many in a burst; more get"
              + " 429 (default: ${DEFAULT-VALUE}; 0 turns the limit off).")
  int maxRequestsPerSecond;

  @Option(
      names = "--imds-request-timeout",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description =
          "Longest time from a request's first byte to its answer; slower connections are closed"
              + " (default: ${DEFAULT-VALUE}).")
  Duration requestTimeout;

  @Option(
      names = "--metadata-upstream-timeout",
      paramLabel = "DURATION",
      defaultValue = "1s",
      converter = DurationConverter.class,
      description =
          "Longest time one call to --metadata-upstream may take; then 502 (default:"
              + " ${DEFAULT-VALUE}).")
  Duration upstreamTimeout;

  /**
   * The validated settings.
   *
   * @param region the node's region for {@code placement/region}, or {@code null} to ask the
   *     upstream
   * @throws ParameterException when an option is invalid, with a message that says what to fix
   */
  MetadataSettings settings(String region) {
    try {
      MetadataSettings.Builder builder =
          MetadataSettings.builder()
              .listen(HostPort.listenAddress("--imds-listen", imdsListen, DEFAULT_LISTEN))
              .region(region)
              .availabilityZone(availabilityZone)
              .requireImdsv2(requireImdsv2)
              .upstream(MetadataSettings.parseUpstream(metadataUpstream))
              .allowRouteRegexp(allowRouteRegexp)
              .maxRequestsPerSecond(maxRequestsPerSecond)
              .upstreamTimeout(upstreamTimeout);
      // The response timeout must stay below the request timeout; keep it at half when shortened.
      if (requestTimeout.compareTo(Duration.ofSeconds(10)) < 0) {
        builder.responseTimeout(requestTimeout.dividedBy(2));
      }
      return builder.requestTimeout(requestTimeout).build();
    } catch (IllegalArgumentException e) {
      throw invalid(command, e);
    }
  }
}
