package io.podium.cli;

import static io.podium.cli.OptionErrors.invalid;

import io.podium.aws.InstanceMetadata;
import io.podium.core.role.RoleBaseArn;
import io.podium.imds.MetadataSettings;
import java.net.URI;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * {@code --region auto} and {@code --role-base-arn auto} for the processes on a node: the node's
 * own metadata service ({@code --metadata-upstream}, 169.254.169.254 in production; tests point it
 * at a loopback fake) asked once at start, after every flag has been checked, and the answers
 * logged.
 */
final class AutoDiscovery {

  static final String AUTO = "auto";

  /** How long each of the few requests may take: the service answers in milliseconds. */
  static final Duration TIMEOUT = Duration.ofSeconds(2);

  private static final Logger log = LoggerFactory.getLogger(AutoDiscovery.class);

  private AutoDiscovery() {}

  static boolean isAuto(String value) {
    return value != null && value.strip().equalsIgnoreCase(AUTO);
  }

  /**
   * The node's metadata service, for {@code flag auto}.
   *
   * @throws ParameterException when passthrough is off or the upstream is not an http URI
   */
  static InstanceMetadata source(CommandSpec command, String flag, String metadataUpstream) {
    URI upstream;
    try {
      upstream = MetadataSettings.parseUpstream(metadataUpstream);
    } catch (IllegalArgumentException e) {
      throw invalid(command, e);
    }
    if (upstream == null) {
      throw invalid(
          command,
          flag
              + " auto reads the node's metadata service, and --metadata-upstream is none: give "
              + flag
              + " itself, or the service's address with --metadata-upstream");
    }
    return new InstanceMetadata(upstream, TIMEOUT);
  }

  /** Refuses {@code flag auto} where there is no node's metadata service to ask. */
  static void refuse(CommandSpec command, String flag, String value, String why) {
    if (isAuto(value)) {
      throw invalid(command, flag + " auto " + why + ": give " + flag + " itself");
    }
  }

  /**
   * @throws StartFailures.CannotStart naming the flag, the service and what failed
   */
  static String region(InstanceMetadata metadata) {
    try {
      String region = metadata.region();
      log.info(
          "--region auto: {}, from the node's metadata service at {}", region, metadata.endpoint());
      return region;
    } catch (InstanceMetadata.InstanceMetadataException e) {
      throw new StartFailures.CannotStart(
          "--region auto: the node's metadata service at "
              + metadata.endpoint()
              + " did not tell the region ("
              + e.getMessage()
              + "); give --region");
    }
  }

  /**
   * @throws StartFailures.CannotStart naming the flag, the service and what failed
   */
  static RoleBaseArn roleBaseArn(InstanceMetadata metadata) {
    try {
      RoleBaseArn base = metadata.roleBaseArn();
      log.info(
          "--role-base-arn auto: {}, the account of the node's instance profile (iam/info at {})",
          base,
          metadata.endpoint());
      return base;
    } catch (InstanceMetadata.InstanceMetadataException e) {
      throw new StartFailures.CannotStart(
          "--role-base-arn auto: the node's metadata service at "
              + metadata.endpoint()
              + " did not tell the instance profile ("
              + e.getMessage()
              + "); give --role-base-arn");
    }
  }
}
