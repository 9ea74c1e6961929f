package io.podium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.ops.Health;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AwsIdentityTest {

  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
  private final Health health = new Health();

  @AfterEach
  void stop() {
    timers.shutdownNow();
  }

  @Test
  void tellsTheStartUpLineAsWhomPodiumCallsStsAndIsReady() {
    try (AwsIdentity identity =
        new AwsIdentity(
            () -> "arn:aws:sts::123456789012:assumed-role/podium/i-1", timers, health)) {
      assertThat(identity.askAtStart())
          .contains("arn:aws:sts::123456789012:assumed-role/podium/i-1");
      assertThat(identity.describe())
          .isEqualTo("as arn:aws:sts::123456789012:assumed-role/podium/i-1");
      assertThat(health.report(Health.Probe.READY).passing()).isTrue();
    }
  }

  @Test
  void isNotReadyAndSaysWhyWhileStsCannotBeAsked() {
    AtomicInteger asked = new AtomicInteger();
    try (AwsIdentity identity =
        new AwsIdentity(
            () -> {
              asked.incrementAndGet();
              throw new IllegalStateException("Unable to load credentials from any provider");
            },
            timers,
            health)) {
      assertThat(identity.askAtStart()).isEmpty();

      assertThat(identity.describe())
          .contains("own AWS identity unknown (Unable to load credentials")
          .contains("not ready until STS answers");
      Health.Report ready = health.report(Health.Probe.READY);
      assertThat(ready.passing()).isFalse();
      assertThat(ready.results())
          .filteredOn(result -> result.name().equals("aws-identity"))
          .singleElement()
          .extracting(Health.Result::whenFailing)
          .asString()
          .contains("GetCallerIdentity", "Unable to load credentials");
      assertThat(asked).hasValue(1);
    }
  }
}
