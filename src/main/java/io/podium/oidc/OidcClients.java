package io.podium.oidc;

import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Builds the SDK clients of {@code podium oidc}, everything explicit: region, credentials,
 * endpoint, and no settings from {@code ~/.aws/config}. The SDK's standard retries apply.
 */
public final class OidcClients {

  private OidcClients() {}

  /**
   * S3 in {@code region}; with an endpoint override (an S3-compatible store, or moto in tests)
   * path-style addressing, which such endpoints expect.
   */
  public static S3Client s3(
      Region region, Optional<URI> endpoint, AwsCredentialsProvider credentials) {
    var builder =
        S3Client.builder()
            .region(region)
            .credentialsProvider(credentials)
            .overrideConfiguration(o -> o.defaultProfileFile(ProfileFile.aggregator().build()));
    endpoint.ifPresent(uri -> builder.endpointOverride(uri).forcePathStyle(true));
    return builder.build();
  }

  /** IAM, a global service: its partition's global region, from {@code region}. */
  public static IamClient iam(
      Region region, Optional<URI> endpoint, AwsCredentialsProvider credentials) {
    var builder =
        IamClient.builder()
            .region(globalRegion(region))
            .credentialsProvider(credentials)
            .overrideConfiguration(o -> o.defaultProfileFile(ProfileFile.aggregator().build()));
    endpoint.ifPresent(builder::endpointOverride);
    return builder.build();
  }

  /** {@code aws}, {@code aws-cn} or {@code aws-us-gov}: the partition of ARNs in {@code region}. */
  public static String partition(Region region) {
    String id = region.id();
    if (id.startsWith("cn-")) {
      return "aws-cn";
    }
    if (id.startsWith("us-gov-")) {
      return "aws-us-gov";
    }
    return "aws";
  }

  private static Region globalRegion(Region region) {
    return switch (partition(region)) {
      case "aws-cn" -> Region.AWS_CN_GLOBAL;
      case "aws-us-gov" -> Region.AWS_US_GOV_GLOBAL;
      default -> Region.AWS_GLOBAL;
    };
  }
}
