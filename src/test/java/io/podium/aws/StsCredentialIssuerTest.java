package io.podium.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import io.podium.core.broker.StsCallException;
import io.podium.core.role.RoleArn;
import io.podium.core.session.SessionRequest;
import io.podium.testing.LogCapture;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.MDC;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/** The issuer without any server: only failures that never reach STS, or reach nothing. */
class StsCredentialIssuerTest {

  private static final RoleArn ROLE = RoleArn.parse("arn:aws:iam::123456789012:role/reader");
  private static final SessionRequest REQUEST =
      SessionRequest.of(ROLE, "web-7f9c", Duration.ofHours(1));

  @RegisterExtension final LogCapture logs = new LogCapture();

  private final PrometheusRegistry registry = new PrometheusRegistry();

  @Test
  void mapsUnloadableBaseCredentialsToIssuerCredentialsWithoutCallingSts() {
    // Were STS called, the closed port would make this an IOError instead.
    StsSettings settings = settings(closedPortEndpoint());

    try (StsCredentialIssuer issuer =
        new StsCredentialIssuer(settings, new FailingCredentials(), registry, Clock.systemUTC())) {
      assertThatThrownBy(() -> issuer.issue(REQUEST))
          .isInstanceOfSatisfying(
              StsCallException.IssuerCredentials.class,
              e -> assertThat(e.errorCode()).isEqualTo(StsErrorMapping.CREDENTIALS_NOT_LOADED));
    }
  }

  @Test
  void mapsUnloadableBaseCredentialsToIssuerCredentialsWhenChaining() {
    StsSettings settings =
        settings(closedPortEndpoint())
            .withIntermediateRole(
                RoleArn.parse("arn:aws:iam::123456789012:role/podium-intermediate"), null);
    FailingCredentials base = new FailingCredentials();

    try (StsCredentialIssuer issuer =
        new StsCredentialIssuer(settings, base, registry, Clock.systemUTC())) {
      assertThatThrownBy(() -> issuer.issue(REQUEST))
          .isInstanceOfSatisfying(
              StsCallException.IssuerCredentials.class,
              e -> assertThat(e.errorCode()).isEqualTo(StsErrorMapping.CREDENTIALS_NOT_LOADED));
    }
    assertThat(base.calls.get()).isPositive();
  }

  @Test
  void mapsRefusedConnectionToUnavailableAndCountsTheFailedCall() {
    try (StsCredentialIssuer issuer =
        new StsCredentialIssuer(
            settings(closedPortEndpoint()), staticCredentials(), registry, Clock.systemUTC())) {
      assertThatThrownBy(() -> issuer.issue(REQUEST))
          .isInstanceOfSatisfying(
              StsCallException.Unavailable.class,
              e -> assertThat(e.errorCode()).isEqualTo(StsErrorMapping.IO_ERROR));
    }
  }

  @Test
  void countsEachFailedCallOnceByResultAndCode() {
    try (StsCredentialIssuer issuer =
        new StsCredentialIssuer(
            settings(closedPortEndpoint()), staticCredentials(), registry, Clock.systemUTC())) {
      assertThatThrownBy(() -> issuer.issue(REQUEST)).isInstanceOf(StsCallException.class);

      ScrapedMetrics metrics = ScrapedMetrics.of(registry);
      assertThat(metrics.value("podium_sts_calls_total{result=\"error\"}")).isEqualTo(1);
      assertThat(metrics.value("podium_sts_calls_total{result=\"success\"}")).isEqualTo(0);
      assertThat(metrics.value("podium_sts_errors_total{code=\"IOError\"}")).isEqualTo(1);
      assertThat(metrics.value("podium_sts_call_duration_seconds_count")).isEqualTo(1);
      assertThat(metrics.value("podium_sts_throttles_total")).isEqualTo(0);
    }
  }

  @Test
  void logsOneWarningNamingRoleSessionAndCode() {
    try (StsCredentialIssuer issuer =
        new StsCredentialIssuer(
            settings(closedPortEndpoint()), staticCredentials(), registry, Clock.systemUTC())) {
      assertThatThrownBy(() -> issuer.issue(REQUEST)).isInstanceOf(StsCallException.class);
    }

    assertThat(
            logs.events().stream()
                .filter(e -> e.getLoggerName().equals(StsCredentialIssuer.class.getName())))
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.getLevel()).isEqualTo(Level.WARN);
              assertThat(event.getFormattedMessage())
                  .contains(ROLE.toString(), "web-7f9c", "IOError");
              assertThat(event.getMDCPropertyMap())
                  .containsEntry(StsCredentialIssuer.MDC_ROLE, ROLE.toString());
            });
    assertThat(MDC.get(StsCredentialIssuer.MDC_ROLE)).isNull();
  }

  @Test
  void putsTheCallersRoleBackIntoTheMdcAfterwards() {
    MDC.put(StsCredentialIssuer.MDC_ROLE, "the-callers-role");
    try (StsCredentialIssuer issuer =
        new StsCredentialIssuer(
            settings(closedPortEndpoint()), staticCredentials(), registry, Clock.systemUTC())) {
      assertThatThrownBy(() -> issuer.issue(REQUEST)).isInstanceOf(StsCallException.class);

      assertThat(MDC.get(StsCredentialIssuer.MDC_ROLE)).isEqualTo("the-callers-role");
    } finally {
      MDC.remove(StsCredentialIssuer.MDC_ROLE);
    }
  }

  @Test
  void neverPutsTheBaseSecretIntoLogsOrExceptions() {
    StsCallException thrown;
    try (StsCredentialIssuer issuer =
        new StsCredentialIssuer(
            settings(closedPortEndpoint()), staticCredentials(), registry, Clock.systemUTC())) {
      thrown =
          org.junit.jupiter.api.Assertions.assertThrows(
              StsCallException.class, () -> issuer.issue(REQUEST));
    }

    assertThat(logs.allOutput()).doesNotContain("base-secret-key");
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t)).doesNotContain("base-secret-key");
    }
  }

  @Test
  void closeUnregistersItsMetricsAndLeavesTheBaseProviderOpen() {
    ClosableCredentials base = new ClosableCredentials();
    StsCredentialIssuer issuer =
        new StsCredentialIssuer(
            settings(closedPortEndpoint())
                .withIntermediateRole(
                    RoleArn.parse("arn:aws:iam::123456789012:role/podium-intermediate"), "ext-1"),
            base,
            registry,
            Clock.systemUTC());
    assertThat(ScrapedMetrics.of(registry).text()).contains("podium_sts_calls_total");

    issuer.close();

    assertThat(ScrapedMetrics.of(registry).text()).doesNotContain("podium_sts_");
    assertThat(base.closed).isFalse();
    // The registry is free again for the issuer that replaces this one.
    new StsCredentialIssuer(settings(closedPortEndpoint()), base, registry, Clock.systemUTC())
        .close();
  }

  private static StsSettings settings(URI endpoint) {
    return StsSettings.forRegion(Region.US_EAST_1)
        .withEndpointOverride(endpoint)
        .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(2))
        .withMaxAttempts(2);
  }

  private static AwsCredentialsProvider staticCredentials() {
    return () -> AwsBasicCredentials.create("AKIABASE00000000000", "base-secret-key");
  }

  /** A loopback port nothing listens on: connections are refused at once. */
  private static URI closedPortEndpoint() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Fails as the SDK's default chain does when nothing provides credentials. */
  private static final class FailingCredentials implements AwsCredentialsProvider {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public AwsCredentials resolveCredentials() {
      calls.incrementAndGet();
      throw SdkClientException.create(
          "Unable to load credentials from any of the providers in the chain");
    }
  }

  private static final class ClosableCredentials
      implements AwsCredentialsProvider, SdkAutoCloseable {
    volatile boolean closed;

    @Override
    public AwsCredentials resolveCredentials() {
      return AwsBasicCredentials.create("AKIABASE00000000000", "base-secret-key");
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
