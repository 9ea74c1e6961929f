package io.podium.imds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The settings record refuses what cannot work, naming the option to fix. */
class MetadataSettingsTest {

  @Test
  void defaultsAreSafe() {
    MetadataSettings settings = MetadataSettings.builder().build();

    assertThat(settings.upstream()).isNull();
    assertThat(settings.listen().getAddress().isLoopbackAddress()).isTrue();
    assertThat(settings.maxRequestsPerSecond()).isEqualTo(100);
    assertThat(settings.rateLimitBurst()).isEqualTo(200);
    assertThat(settings.requireImdsv2()).isFalse();
  }

  @Test
  void burstFollowsTheRateUnlessSet() {
    assertThat(MetadataSettings.builder().maxRequestsPerSecond(7).build().rateLimitBurst())
        .isEqualTo(14);
    assertThat(
            MetadataSettings.builder()
                .rateLimitBurst(3)
                .maxRequestsPerSecond(7)
                .build()
                .rateLimitBurst())
        .isEqualTo(3);
  }

  @Test
  void parsesTheUpstream() {
    assertThat(MetadataSettings.parseUpstream("none")).isNull();
    assertThat(MetadataSettings.parseUpstream("NONE")).isNull();
    assertThat(MetadataSettings.parseUpstream("")).isNull();
    assertThat(MetadataSettings.parseUpstream("http://169.254.169.254"))
        .isEqualTo(MetadataSettings.EC2_METADATA_SERVICE);
    assertThat(MetadataSettings.parseUpstream("http://127.0.0.1:9999/"))
        .isEqualTo(URI.create("http://127.0.0.1:9999/"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://169.254.169.254",
        "http://169.254.169.254/latest",
        "http://user@169.254.169.254",
        "http://169.254.169.254?x=1",
        "ftp://169.254.169.254",
        "169.254.169.254",
        "http://[bad"
      })
  void refusesUpstreamsThatAreNotABareHttpOrigin(String value) {
    assertThatThrownBy(() -> MetadataSettings.parseUpstream(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--metadata-upstream")
        .hasMessageContaining("or none");
  }

  @Test
  void acceptsZonesOfTheirRegion() {
    assertThat(
            MetadataSettings.builder()
                .region("us-east-1")
                .availabilityZone("us-east-1a")
                .build()
                .availabilityZone())
        .isEqualTo("us-east-1a");
    assertThat(
            MetadataSettings.builder()
                .region("us-west-2")
                .availabilityZone("us-west-2-lax-1a")
                .build()
                .region())
        .isEqualTo("us-west-2");
    assertThat(MetadataSettings.builder().region("us-gov-west-1").build().region())
        .isEqualTo("us-gov-west-1");
    assertThat(MetadataSettings.builder().region(" ").build().region()).isNull();
  }

  @Test
  void refusesAZoneOutsideTheRegion() {
    assertThatThrownBy(
            () ->
                MetadataSettings.builder()
                    .region("us-east-1")
                    .availabilityZone("us-west-2a")
                    .build())
        .hasMessage("--availability-zone us-west-2a is not in --region us-east-1");
    assertThatThrownBy(
            () ->
                MetadataSettings.builder()
                    .region("us-east-1")
                    .availabilityZone("us-east-10a")
                    .build())
        .hasMessageContaining("is not in --region");
  }

  @ParameterizedTest
  @ValueSource(strings = {"USA", "us_east_1", "us-east", "../etc"})
  void refusesMalformedRegions(String region) {
    assertThatThrownBy(() -> MetadataSettings.builder().region(region).build())
        .hasMessageContaining("--region")
        .hasMessageContaining("such as us-east-1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a)|(.*", "(", "[z-a]", "(?<name", " "})
  void refusesRegexpsThatDoNotCompileOnTheirOwn(String regexp) {
    assertThatThrownBy(() -> MetadataSettings.builder().allowRouteRegexp(regexp).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--allow-route-regexp");
  }

  @Test
  void explainsAnUnmatchedParenthesis() {
    assertThatThrownBy(() -> MetadataSettings.builder().allowRouteRegexp("a)|(.*").build())
        .hasMessage(
            "--allow-route-regexp 'a)|(.*' is not a valid RE2 regular expression: unmatched ')'");
  }

  @Test
  void refusesRequiringAndDisablingTokensAtOnce() {
    assertThatThrownBy(
            () -> MetadataSettings.builder().requireImdsv2(true).tokensDisabled(true).build())
        .hasMessageContaining("--require-imdsv2");
  }

  @Test
  void refusesAResponseTimeoutNotShorterThanTheRequestTimeout() {
    assertThatThrownBy(
            () ->
                MetadataSettings.builder()
                    .requestTimeout(Duration.ofSeconds(2))
                    .responseTimeout(Duration.ofSeconds(2))
                    .build())
        .hasMessageContaining("must be shorter than the request timeout");
  }

  @Test
  void refusesNegativeRatesAndZeroTimeouts() {
    assertThatThrownBy(() -> MetadataSettings.builder().maxRequestsPerSecond(-1).build())
        .hasMessageContaining("--max-requests-per-second");
    assertThatThrownBy(() -> MetadataSettings.builder().upstreamTimeout(Duration.ZERO).build())
        .hasMessageContaining("--metadata-upstream-timeout must be positive");
    assertThatThrownBy(() -> MetadataSettings.builder().maxHeaderSize(10).build())
        .hasMessageContaining("header size limit");
  }

  @Test
  void roundTripsThroughItsBuilder() {
    MetadataSettings settings =
        MetadataSettings.builder()
            .region("eu-west-1")
            .availabilityZone("eu-west-1b")
            .requireImdsv2(true)
            .upstream(URI.create("http://127.0.0.1:1"))
            .allowRouteRegexp("/latest/meta-data/instance-id")
            .maxRequestsPerSecond(3)
            .build();

    assertThat(settings.toBuilder().build()).isEqualTo(settings);
  }
}
