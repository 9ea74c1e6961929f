package io.podium.imds;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.imds.EmbeddedImds.Connection;
import io.podium.imds.EmbeddedImds.Reply;
import io.podium.testing.LogCapture;
import io.podium.testing.TestPods;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The per-source rate limit: 429 beyond it, per address, logged once, with bounded memory. */
class RateLimitTest {

  private static final String LIST = "/latest/meta-data/iam/security-credentials/";

  @RegisterExtension final LogCapture logs = new LogCapture();

  private EmbeddedImds imds;

  @BeforeEach
  void setUp() {
    imds = new EmbeddedImds(MetadataSettings.builder().maxRequestsPerSecond(5).build());
    imds.callers
        .permit(
            "10.0.0.5",
            TestPods.running("team-a", "web").withIp("10.0.0.5").build(),
            "arn:aws:iam::123456789012:role/reader")
        .permit(
            "10.0.0.6",
            TestPods.running("team-a", "api").withIp("10.0.0.6").build(),
            "arn:aws:iam::123456789012:role/reader");
  }

  @Test
  void answers429BeyondTheBurstAndLogsOnce() {
    Connection pod = imds.connect("10.0.0.5");
    for (int i = 0; i < 10; i++) {
      assertThat(pod.get(LIST).status()).as("request %d", i).isEqualTo(200);
    }

    Reply limited = pod.get(LIST);
    Reply again = pod.get(LIST);

    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.headers().get("Retry-After")).isEqualTo("1");
    assertThat(again.status()).isEqualTo(429);
    assertThat(pod.isOpen()).isTrue();
    assertThat(AgentLogs.lines(logs))
        .singleElement()
        .asString()
        .contains("with 429: more than 5 requests a second");
    assertThat(Exposition.text(imds.registry))
        .contains("podium_metadata_rejected_total{reason=\"rate_limited\"} 2.0")
        .contains("podium_metadata_requests_total{route=\"role_list\",status=\"429\"} 2.0");
  }

  @Test
  void limitsEachSourceOnItsOwn() {
    Connection noisy = imds.connect("10.0.0.5");
    for (int i = 0; i < 12; i++) {
      noisy.get(LIST);
    }

    assertThat(imds.connect("10.0.0.6").get(LIST).status()).isEqualTo(200);
  }

  @Test
  void refillsAtTheConfiguredRate() {
    Connection pod = imds.connect("10.0.0.5");
    for (int i = 0; i < 11; i++) {
      pod.get(LIST);
    }
    assertThat(pod.get(LIST).status()).isEqualTo(429);

    imds.nanos.addAndGet(1_000_000_000L);

    for (int i = 0; i < 5; i++) {
      assertThat(pod.get(LIST).status()).isEqualTo(200);
    }
    assertThat(pod.get(LIST).status()).isEqualTo(429);
    assertThat(AgentLogs.lines(logs)).hasSize(2);
  }

  @Test
  void rateLimitOffAtZero() {
    EmbeddedImds unlimited =
        new EmbeddedImds(
            MetadataSettings.builder().maxRequestsPerSecond(0).build(), imds.clock, imds.callers);
    Connection pod = unlimited.connect("10.0.0.5");

    for (int i = 0; i < 500; i++) {
      assertThat(pod.get(LIST).status()).isEqualTo(200);
    }
  }

  @Test
  void remembersABoundedNumberOfSources() throws UnknownHostException {
    AtomicLong nanos = new AtomicLong();
    SourceRateLimiter limiter = new SourceRateLimiter(1, 1, 1024, nanos::get);

    for (int i = 0; i < 100_000; i++) {
      limiter.tryAcquire(
          InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i}));
    }

    assertThat(limiter.trackedSources()).isLessThanOrEqualTo(1024);
  }

  @Test
  void aForgottenSourceStartsWithAFullBucket() throws UnknownHostException {
    AtomicLong nanos = new AtomicLong();
    SourceRateLimiter limiter = new SourceRateLimiter(1, 2, 16, nanos::get);
    InetAddress source = InetAddress.getByName("10.0.0.5");

    assertThat(limiter.tryAcquire(source)).isEqualTo(SourceRateLimiter.Verdict.ALLOWED);
    assertThat(limiter.tryAcquire(source)).isEqualTo(SourceRateLimiter.Verdict.ALLOWED);
    assertThat(limiter.tryAcquire(source)).isEqualTo(SourceRateLimiter.Verdict.FIRST_LIMITED);
    assertThat(limiter.tryAcquire(source)).isEqualTo(SourceRateLimiter.Verdict.LIMITED);
    nanos.addAndGet(500_000_000L);
    assertThat(limiter.tryAcquire(source)).isEqualTo(SourceRateLimiter.Verdict.LIMITED);
    nanos.addAndGet(500_000_000L);
    assertThat(limiter.tryAcquire(source)).isEqualTo(SourceRateLimiter.Verdict.ALLOWED);
  }
}
