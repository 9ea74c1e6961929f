package io.podium.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podium.core.role.RoleArn;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsServiceClientConfiguration;
import software.amazon.awssdk.services.sts.endpoints.StsEndpointParams;
import software.amazon.awssdk.services.sts.endpoints.StsEndpointProvider;

class StsSettingsTest {

  private static final RoleArn INTERMEDIATE =
      RoleArn.parse("arn:aws:iam::123456789012:role/podium-intermediate");

  @Test
  void forRegionUsesTheRegionalEndpointAndDefaults() {
    StsSettings settings = StsSettings.forRegion(Region.EU_WEST_1);

    assertThat(settings.endpointOverride()).isNull();
    assertThat(settings.chained()).isFalse();
    assertThat(settings.callTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(settings.attemptTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(settings.maxAttempts()).isEqualTo(3);
    assertThat(settings.intermediateSessionName()).isEqualTo("podium");
  }

  @ParameterizedTest
  @CsvSource({
    "us-east-1, https://sts.us-east-1.amazonaws.com",
    "eu-west-1, https://sts.eu-west-1.amazonaws.com",
    "cn-north-1, https://sts.cn-north-1.amazonaws.com.cn",
    "us-gov-west-1, https://sts.us-gov-west-1.amazonaws.com"
  })
  void clientWithoutOverrideUsesTheSdkRegionalEndpoint(String region, String expected) {
    // Resolved from the built client's own configuration: nothing is sent anywhere.
    try (StsClient client = client(StsSettings.forRegion(Region.of(region)))) {
      StsServiceClientConfiguration config = client.serviceClientConfiguration();

      assertThat(config.region()).isEqualTo(Region.of(region));
      assertThat(config.endpointOverride()).isEmpty();
      StsEndpointProvider provider = (StsEndpointProvider) config.endpointProvider().orElseThrow();
      assertThat(
              provider
                  .resolveEndpoint(StsEndpointParams.builder().region(Region.of(region)).build())
                  .join()
                  .endpointUrl()
                  .toUri())
          .hasToString(expected);
    }
  }

  @Test
  void clientUsesTheEndpointOverrideWhenGiven() {
    URI endpoint = URI.create("http://127.0.0.1:4566");

    try (StsClient client =
        client(StsSettings.forRegion(Region.US_EAST_1).withEndpointOverride(endpoint))) {
      assertThat(client.serviceClientConfiguration().endpointOverride()).contains(endpoint);
    }
  }

  @Test
  void clientCarriesTheConfiguredAttemptsAndTimeouts() {
    StsSettings settings =
        StsSettings.forRegion(Region.US_EAST_1)
            .withTimeouts(Duration.ofSeconds(7), Duration.ofMillis(700))
            .withMaxAttempts(5);

    try (StsClient client = client(settings)) {
      var override = client.serviceClientConfiguration().overrideConfiguration();
      assertThat(override.retryStrategy())
          .hasValueSatisfying(strategy -> assertThat(strategy.maxAttempts()).isEqualTo(5));
      assertThat(override.apiCallTimeout()).contains(Duration.ofSeconds(7));
      assertThat(override.apiCallAttemptTimeout()).contains(Duration.ofMillis(700));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"EU-WEST-1", "eu west 1", "eu_west_1", "-eu"})
  void rejectsRegionThatIsNotARegionId(String region) {
    assertThatThrownBy(() -> StsSettings.forRegion(Region.of(region)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--region")
        .hasMessageContaining("eu-west-1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sts.amazonaws.com", "ftp://127.0.0.1", "http:///nohost"})
  void rejectsEndpointThatIsNotAnHttpUrl(String endpoint) {
    StsSettings settings = StsSettings.forRegion(Region.US_EAST_1);

    assertThatThrownBy(() -> settings.withEndpointOverride(URI.create(endpoint)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--sts-endpoint");
  }

  @Test
  void rejectsEndpointWithUserInfoOrQuery() {
    StsSettings settings = StsSettings.forRegion(Region.US_EAST_1);

    assertThatThrownBy(
            () -> settings.withEndpointOverride(URI.create("https://user:pw@sts.example")))
        .hasMessageContaining("user info");
    assertThatThrownBy(() -> settings.withEndpointOverride(URI.create("https://sts.example/?a=b")))
        .hasMessageContaining("query");
  }

  @Test
  void rejectsExternalIdWithoutIntermediateRole() {
    assertThatThrownBy(
            () ->
                new StsSettings(
                    Region.US_EAST_1,
                    null,
                    null,
                    "ext-1",
                    "podium",
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(3),
                    3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--assume-role-external-id needs --assume-role-arn");
  }

  @Test
  void rejectsExternalIdWithForbiddenCharacters() {
    StsSettings settings = StsSettings.forRegion(Region.US_EAST_1);

    assertThatThrownBy(() -> settings.withIntermediateRole(INTERMEDIATE, "has space"))
        .hasMessageContaining("--assume-role-external-id");
  }

  @Test
  void acceptsIntermediateRoleWithExternalId() {
    StsSettings settings =
        StsSettings.forRegion(Region.US_EAST_1).withIntermediateRole(INTERMEDIATE, "ext-1");

    assertThat(settings.chained()).isTrue();
    assertThat(settings.intermediateExternalId()).isEqualTo("ext-1");
  }

  @Test
  void rejectsAttemptTimeoutLongerThanCallTimeout() {
    StsSettings settings = StsSettings.forRegion(Region.US_EAST_1);

    assertThatThrownBy(() -> settings.withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--sts-attempt-timeout")
        .hasMessageContaining("--sts-timeout");
  }

  @Test
  void rejectsNonPositiveTimeouts() {
    StsSettings settings = StsSettings.forRegion(Region.US_EAST_1);

    assertThatThrownBy(() -> settings.withTimeouts(Duration.ZERO, Duration.ofSeconds(1)))
        .hasMessageContaining("--sts-timeout must be positive");
    assertThatThrownBy(() -> settings.withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(-1)))
        .hasMessageContaining("--sts-attempt-timeout must be positive");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 11})
  void rejectsMaxAttemptsOutOfRange(int attempts) {
    StsSettings settings = StsSettings.forRegion(Region.US_EAST_1);

    assertThatThrownBy(() -> settings.withMaxAttempts(attempts))
        .hasMessageContaining("--sts-max-attempts");
  }

  private static StsClient client(StsSettings settings) {
    return StsClients.build(
        settings,
        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")),
        new ThrottledAttempts(
            new StsMetrics(new io.prometheus.metrics.model.registry.PrometheusRegistry())));
  }
}
