package io.podium.aws;

import io.podium.core.broker.StsCallException;
import io.podium.core.role.RoleArn;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.metrics.MetricPublisher;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * The credentials that sign Podium's AssumeRole calls for pod sessions: the base credentials, or
 * with {@link StsSettings#intermediateRole()} the session of that role, assumed with the base
 * credentials by the SDK's {@link StsAssumeRoleCredentialsProvider}, which caches it and renews it
 * in the background before it expires.
 *
 * <p>They are resolved before each pod call, apart from it, so that a failure to obtain our own
 * credentials is never mistaken for the pod call's failure.
 */
final class SigningCredentials implements AutoCloseable {

  private final AwsCredentialsProvider provider;
  private final @Nullable StsAssumeRoleCredentialsProvider intermediate;
  private final @Nullable StsClient intermediateClient;

  private SigningCredentials(
      AwsCredentialsProvider provider,
      @Nullable StsAssumeRoleCredentialsProvider intermediate,
      @Nullable StsClient intermediateClient) {
    this.provider = provider;
    this.intermediate = intermediate;
    this.intermediateClient = intermediateClient;
  }

  /** Signs with the base credentials, or chains through the intermediate role if one is set. */
  static SigningCredentials create(
      StsSettings settings, AwsCredentialsProvider base, MetricPublisher metrics) {
    BaseCredentials marked = new BaseCredentials(base);
    RoleArn intermediateRole = settings.intermediateRole();
    if (intermediateRole == null) {
      return new SigningCredentials(marked, null, null);
    }
    StsClient client = StsClients.build(settings, marked, metrics);
    try {
      StsAssumeRoleCredentialsProvider provider =
          StsAssumeRoleCredentialsProvider.builder()
              .stsClient(client)
              .refreshRequest(
                  r ->
                      r.roleArn(intermediateRole.toString())
                          .roleSessionName(settings.intermediateSessionName())
                          .externalId(settings.intermediateExternalId()))
              // Renew ahead of expiry on the SDK's own thread, so no pod call waits for it.
              .asyncCredentialUpdateEnabled(true)
              .build();
      return new SigningCredentials(provider, provider, client);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /** What the STS client is built with, so that it never falls back to the default chain. */
  AwsCredentialsProvider provider() {
    return provider;
  }

  /**
   * The credentials to sign the next call with.
   *
   * @throws StsCallException mapped by {@link StsErrorMapping#forSigningCredentials}
   */
  AwsCredentials resolve() {
    try {
      return provider.resolveCredentials();
    } catch (RuntimeException e) {
      throw StsErrorMapping.forSigningCredentials(e);
    }
  }

  /**
   * Closes the intermediate role's provider and client; the base provider belongs to the caller.
   */
  @Override
  public void close() {
    if (intermediate != null) {
      intermediate.close();
    }
    if (intermediateClient != null) {
      intermediateClient.close();
    }
  }
}
