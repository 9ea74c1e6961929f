package io.podium.interception;

import java.net.URI;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * The AWS SDK for Java v2 as a pod runs it: the default credential chain, which finds nothing in
 * the environment or files and asks the instance metadata service at its default address; then
 * GetCallerIdentity against the STS endpoint given as the only argument. Prints one JSON line with
 * the ARN and access key id, never a secret.
 */
public final class JavaSdkIdentity {

  private JavaSdkIdentity() {}

  public static void main(String[] args) {
    try (DefaultCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
        StsClient sts =
            StsClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(URI.create(args[0]))
                .credentialsProvider(credentials)
                .build()) {
      AwsCredentials resolved = credentials.resolveCredentials();
      String arn = sts.getCallerIdentity().arn();
      System.out.println(
          JsonMapper.builder()
              .build()
              .writeValueAsString(Map.of("arn", arn, "accessKeyId", resolved.accessKeyId())));
    }
  }
}
