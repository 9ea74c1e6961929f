package io.podium.cli;

import io.podium.oidc.IamOidcProvider;
import io.podium.oidc.IssuerUrl;
import io.podium.oidc.OidcClients;
import io.podium.oidc.OidcPublisher;
import io.podium.oidc.S3IssuerStore;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Where and how {@code podium oidc publish} and {@code sync} publish: the bucket, the bucket
 * policy, the IAM OIDC provider and its audiences, how long retired keys stay.
 */
final class OidcPublishOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(
      names = "--bucket",
      paramLabel = "BUCKET",
      required = true,
      description =
          "S3 bucket served at the issuer's host (its website or virtual-hosted endpoint, or a"
              + " CloudFront origin); documents go to the paths of their URLs.")
  String bucket;

  @Option(
      names = "--region",
      paramLabel = "REGION",
      defaultValue = "${env:AWS_REGION}",
      description = "The bucket's region. Default: $AWS_REGION.")
  String region;

  @Option(
      names = "--audience",
      paramLabel = "AUDIENCE",
      description =
          "An audience (client id) of the IAM OIDC provider; repeatable. Default:"
              + " sts.amazonaws.com, the audience of IRSA's projected tokens.")
  List<String> audiences = new ArrayList<>();

  @Option(
      names = "--prune",
      description =
          "Remove the provider's audiences not given with --audience. Without it they are kept:"
              + " roles in use may trust them.")
  boolean prune;

  @Option(
      names = "--iam-provider",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Create or update the IAM OIDC provider of the issuer (default: ${DEFAULT-VALUE});"
              + " --no-iam-provider publishes the documents only.")
  boolean iamProvider = true;

  @Option(
      names = "--bucket-policy",
      paramLabel = "merge|print|none",
      defaultValue = "merge",
      description =
          "merge (default): add a statement making the two documents publicly readable to the"
              + " bucket's policy, or print the policy when not allowed to; print: only print it;"
              + " none: leave the policy alone (e.g. CloudFront with origin access control)."
              + " Object ACLs are never used.")
  String bucketPolicy = "merge";

  @Option(
      names = "--retain-keys",
      paramLabel = "DURATION",
      defaultValue = "48h",
      converter = DurationConverter.class,
      description =
          "How long a key stays in the JWKS after the cluster stopped using it: at least the"
              + " longest lifetime of a token for STS (IRSA: 24h). Default: ${DEFAULT-VALUE}.")
  Duration retainKeys = Duration.ofDays(2);

  @Option(
      names = "--s3-endpoint",
      paramLabel = "URL",
      description = "S3 endpoint override (an S3-compatible store; tests); path-style addressing.")
  URI s3Endpoint;

  @Option(
      names = "--iam-endpoint",
      paramLabel = "URL",
      description = "IAM endpoint override (tests).")
  URI iamEndpoint;

  Region region() {
    if (region == null || region.isBlank()) {
      throw invalid("--region is required (or set AWS_REGION): the bucket's region");
    }
    String id = region.strip().toLowerCase(Locale.ROOT);
    if (!id.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
      throw invalid("--region '" + region + "' is not an AWS region, e.g. eu-west-1");
    }
    return Region.of(id);
  }

  OidcPublisher.Settings settings(IssuerUrl issuer, URI jwksUri) {
    if (retainKeys.isNegative()) {
      throw invalid("--retain-keys must not be negative");
    }
    List<String> clientIds =
        audiences.isEmpty() ? List.of("sts.amazonaws.com") : List.copyOf(audiences);
    for (String audience : clientIds) {
      if (audience.isBlank() || audience.length() > 255) {
        throw invalid("--audience must be 1 to 255 characters, got '" + audience + "'");
      }
    }
    try {
      S3IssuerStore.Layout.of(issuer, jwksUri);
    } catch (IllegalArgumentException e) {
      throw invalid("--jwks-uri: " + e.getMessage());
    }
    return new OidcPublisher.Settings(issuer, jwksUri, clientIds, prune, retainKeys, iamProvider);
  }

  S3IssuerStore.Settings storeSettings() {
    S3IssuerStore.PolicyMode mode;
    try {
      mode = S3IssuerStore.PolicyMode.valueOf(bucketPolicy.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw invalid("--bucket-policy must be merge, print or none; got '" + bucketPolicy + "'");
    }
    try {
      return new S3IssuerStore.Settings(bucket, OidcClients.partition(region()), mode);
    } catch (IllegalArgumentException e) {
      throw invalid("--bucket: " + e.getMessage());
    }
  }

  S3Client s3(AwsCredentialsProvider credentials) {
    return OidcClients.s3(region(), Optional.ofNullable(s3Endpoint), credentials);
  }

  Optional<IamClient> iam(AwsCredentialsProvider credentials) {
    return iamProvider
        ? Optional.of(OidcClients.iam(region(), Optional.ofNullable(iamEndpoint), credentials))
        : Optional.empty();
  }

  static Optional<IamOidcProvider> provider(Optional<IamClient> iam) {
    return iam.map(IamOidcProvider::new);
  }

  private ParameterException invalid(String message) {
    return OptionErrors.invalid(command, message);
  }
}
