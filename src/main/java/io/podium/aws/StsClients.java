package io.podium.aws;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.metrics.MetricPublisher;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;

/**
 * Builds the SDK's {@link StsClient} from {@link StsSettings}, with everything explicit: region,
 * endpoint, credentials, timeouts and the retry strategy.
 *
 * <p>Retries use the SDK's <em>standard</em> strategy: exponential backoff with full jitter (100 ms
 * base, 1 s base for throttling, 20 s cap) and a retry quota that stops retrying while most calls
 * fail. Throttling, 5xx, I/O errors and attempt timeouts are retried; denials, validation and
 * credential errors are not (clock-skew errors only once the SDK has corrected its clock offset).
 * The adaptive strategy was not chosen: once STS throttles, its client-side rate limiter delays
 * even the first attempt of later calls, inside their call timeout, which would fall on fresh pods'
 * first credentials; how soon to ask STS again after {@link
 * io.podium.core.broker.StsCallException.Throttled} is the credential broker's decision.
 */
final class StsClients {

  private StsClients() {}

  static StsClient build(
      StsSettings settings, AwsCredentialsProvider credentials, MetricPublisher metrics) {
    StsClientBuilder builder =
        StsClient.builder()
            .region(settings.region())
            .credentialsProvider(credentials)
            .overrideConfiguration(
                o ->
                    o.retryStrategy(
                            AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(settings.maxAttempts())
                                .build())
                        .apiCallTimeout(settings.callTimeout())
                        .apiCallAttemptTimeout(settings.attemptTimeout())
                        // Settings come from StsSettings alone, never from ~/.aws/config.
                        .defaultProfileFile(ProfileFile.aggregator().build())
                        .addMetricPublisher(metrics));
    if (settings.endpointOverride() != null) {
      builder.endpointOverride(settings.endpointOverride());
    }
    return builder.build();
  }
}
