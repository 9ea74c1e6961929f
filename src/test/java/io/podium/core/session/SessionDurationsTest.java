package io.podium.core.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SessionDurationsTest {

  @Test
  void defaultsToOneHourSessionsWithTwentyMinutesRemaining() {
    SessionDurations defaults = SessionDurations.defaults();

    assertThat(defaults.session()).isEqualTo(Duration.ofHours(1));
    assertThat(defaults.minRemaining()).isEqualTo(Duration.ofMinutes(20));
    assertThat(defaults.chained()).isFalse();
    assertThat(defaults.servable()).isEqualTo(Duration.ofMinutes(40));
  }

  @ParameterizedTest
  @CsvSource({"PT15M, PT5M", "PT12H, PT20M", "PT1H, PT59M", "PT15M, PT1M"})
  void acceptsSessionsStsAccepts(Duration session, Duration minRemaining) {
    SessionDurations durations = new SessionDurations(session, minRemaining, false);

    assertThat(durations.servable()).isEqualTo(session.minus(minRemaining));
  }

  @ParameterizedTest
  @CsvSource({"PT14M59S, 14m59s", "PT12H1S, 12h1s", "PT0S, 0s", "PT-1H, -1h"})
  void refusesSessionOutsideWhatStsAccepts(Duration session, String shown) {
    assertThatThrownBy(() -> new SessionDurations(session, Duration.ofMinutes(5), false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "--session-duration "
                + shown
                + " is outside what STS accepts: give a value from 15m to 12h");
  }

  @ParameterizedTest
  @ValueSource(strings = {"PT20M", "PT30M", "PT1H"})
  void refusesMinRemainingAtOrAboveSessionSayingWhatToChange(Duration minRemaining) {
    assertThatThrownBy(() -> new SessionDurations(Duration.ofMinutes(20), minRemaining, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--min-remaining " + SessionDurations.human(minRemaining))
        .hasMessageContaining("must be shorter than --session-duration 20m")
        .hasMessageContaining("lower --min-remaining")
        .hasMessageContaining("or raise --session-duration");
  }

  @Test
  void refusesDefaultMinRemainingWithKiamsFifteenMinuteSessions() {
    assertThatThrownBy(
            () ->
                new SessionDurations(
                    Duration.ofMinutes(15), SessionDurations.DEFAULT_MIN_REMAINING, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--min-remaining 20m must be shorter than --session-duration 15m")
        .hasMessageContaining("for 15m sessions, 5m works");
  }

  @ParameterizedTest
  @ValueSource(strings = {"PT59S", "PT0S", "PT-5M"})
  void refusesMinRemainingBelowOneMinute(Duration minRemaining) {
    assertThatThrownBy(() -> new SessionDurations(Duration.ofHours(1), minRemaining, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is too short: give at least 1m");
  }

  @Test
  void capsChainedSessionsAtOneHour() {
    assertThat(new SessionDurations(Duration.ofHours(1), Duration.ofMinutes(20), true).session())
        .isEqualTo(Duration.ofHours(1));
    assertThatThrownBy(
            () -> new SessionDurations(Duration.ofMinutes(61), Duration.ofMinutes(20), true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--session-duration 1h1m exceeds the 1h")
        .hasMessageContaining("--assume-role-arn")
        .hasMessageContaining("set --session-duration to 1h or less");
  }

  @Test
  void allowsLongSessionsWhenNotChained() {
    assertThat(new SessionDurations(Duration.ofHours(6), Duration.ofMinutes(20), false).session())
        .isEqualTo(Duration.ofHours(6));
  }

  @ParameterizedTest
  @CsvSource({"PT1H, 1h", "PT1H30M, 1h30m", "PT15M, 15m", "PT30S, 30s"})
  void showsDurationsAsUsersWriteThem(Duration duration, String shown) {
    assertThat(SessionDurations.human(duration)).isEqualTo(shown);
  }
}
