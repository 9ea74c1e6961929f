package io.podium.cli;

import static io.podium.cli.OptionErrors.invalid;

import io.podium.aws.StsSettings;
import io.podium.core.role.MalformedRoleException;
import io.podium.core.role.RoleArn;
import java.net.URI;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.regions.Region;

/**
 * The options that say how Podium reaches STS, mixed into every command that calls it ({@code
 * podium standalone}, {@code podium server}, {@code podium dev}), and turned into one {@link
 * StsSettings} at start-up.
 */
final class StsOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(
      names = "--region",
      paramLabel = "REGION",
      description =
          "AWS region whose STS endpoint issues the pods' credentials, e.g. eu-west-1, or auto:"
              + " the node's region, read once at start from its metadata service"
              + " (--metadata-upstream; podium standalone only). Required: Podium never guesses it"
              + " from the environment (podium dev defaults it).")
  String region;

  /** The region {@code --region auto} found, once it has been asked. */
  String discoveredRegion;

  @Option(
      names = "--sts-endpoint",
      paramLabel = "URL",
      description =
          "Call STS at this URL instead of the region's own endpoint"
              + " (https://sts.<region>.amazonaws.com), e.g. a VPC endpoint.")
  URI stsEndpoint;

  @Option(
      names = "--assume-role-arn",
      paramLabel = "ARN",
      description =
          "Assume this role first and assume the pods' roles from its session (role chaining, as"
              + " kube2iam's flag). STS then caps pod sessions at 1h.")
  String assumeRoleArn;

  @Option(
      names = "--assume-role-external-id",
      paramLabel = "ID",
      description = "External id that the trust policy of --assume-role-arn asks for.")
  String assumeRoleExternalId;

  @Option(
      names = "--sts-timeout",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description =
          "Longest time one STS call may take, retries and backoff included"
              + " (default: ${DEFAULT-VALUE}).")
  Duration stsTimeout;

  @Option(
      names = "--sts-attempt-timeout",
      paramLabel = "DURATION",
      defaultValue = "3s",
      converter = DurationConverter.class,
      description = "Longest time one HTTP attempt to STS may take (default: ${DEFAULT-VALUE}).")
  Duration stsAttemptTimeout;

  @Option(
      names = "--sts-max-attempts",
      paramLabel = "N",
      defaultValue = "3",
      description =
          "Attempts per STS call, the first included; throttling, 5xx and network errors are"
              + " retried with jittered backoff (default: ${DEFAULT-VALUE}).")
  int stsMaxAttempts;

  /**
   * The validated settings.
   *
   * @throws ParameterException when {@code --region} is missing or an option is invalid, with a
   *     message that says what to fix
   */
  StsSettings settings() {
    if (region == null || region.isBlank()) {
      throw invalid(
          command,
          "Missing --region: give the AWS region whose STS endpoint Podium should call, e.g."
              + " --region eu-west-1, or --region auto to read the node's region from its"
              + " metadata service");
    }
    return build(effectiveRegion());
  }

  /** Whether {@code --region auto} was given. */
  boolean regionIsAuto() {
    return AutoDiscovery.isAuto(region);
  }

  /** The region; for {@code auto} the one found, or a stand-in while options are checked. */
  private String effectiveRegion() {
    if (!regionIsAuto()) {
      return region.strip();
    }
    return discoveredRegion != null ? discoveredRegion : "us-east-1";
  }

  /** The validated settings, with {@code defaultRegion} when {@code --region} is not given. */
  StsSettings settings(String defaultRegion) {
    return build(region == null || region.isBlank() ? defaultRegion : effectiveRegion());
  }

  private StsSettings build(String regionId) {
    RoleArn intermediate = null;
    if (assumeRoleArn != null) {
      try {
        intermediate = RoleArn.parse(assumeRoleArn.strip());
      } catch (MalformedRoleException e) {
        throw invalid(command, "Invalid --assume-role-arn: " + e.getMessage());
      }
    }
    try {
      return new StsSettings(
          Region.of(regionId),
          stsEndpoint,
          intermediate,
          assumeRoleExternalId,
          StsSettings.DEFAULT_INTERMEDIATE_SESSION_NAME,
          stsTimeout,
          stsAttemptTimeout,
          stsMaxAttempts);
    } catch (IllegalArgumentException e) {
      throw invalid(command, e);
    }
  }
}
