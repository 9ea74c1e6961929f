package io.podium.stsemulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StsStatsTest {

  @Test
  void forgetsTheOldestSessionNamesBeyondItsBound() {
    StsStats stats = new StsStats();
    for (int i = 0; i <= StsStats.MAX_REMEMBERED_DELAYS; i++) {
      stats.recordDelay("session-" + i, Duration.ofMillis(1 + i % 100));
    }

    assertThat(stats.injectedDelay("session-0")).isEmpty();
    assertThat(stats.injectedDelay("session-1")).contains(Duration.ofMillis(2));
    assertThat(stats.injectedDelay("session-" + StsStats.MAX_REMEMBERED_DELAYS))
        .contains(Duration.ofMillis(1 + StsStats.MAX_REMEMBERED_DELAYS % 100));
  }

  @Test
  void aNameAskedForAgainCountsAsTheNewest() {
    StsStats stats = new StsStats();
    stats.recordDelay("first", Duration.ofMillis(5));
    for (int i = 1; i < StsStats.MAX_REMEMBERED_DELAYS; i++) {
      stats.recordDelay("session-" + i, Duration.ofMillis(1));
    }
    stats.recordDelay("first", Duration.ofMillis(7));
    stats.recordDelay("one-more", Duration.ofMillis(1));

    assertThat(stats.injectedDelay("first")).contains(Duration.ofMillis(7));
    assertThat(stats.injectedDelay("session-1")).isEmpty();
  }
}
