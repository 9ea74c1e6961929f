package io.podium.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWK;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Retired keys stay published for the grace period, remembered across passes. */
class KeyRetentionTest {

  private static final Instant T0 = Instant.parse("2025-03-01T00:00:00Z");
  private static final JWK OLD = SigningKeys.jwk(TestKeys.ec().getPublic());
  private static final JWK NEW = SigningKeys.jwk(TestKeys.ec().getPublic());

  private final KeyRetention retention = new KeyRetention(Duration.ofDays(2));

  @Test
  void keepsARetiredKeyUntilItsGracePeriodEnds() {
    KeyRetention.Result first = retention.apply(List.of(OLD), List.of(), T0);
    KeyRetention.Result rotated =
        retention.apply(List.of(NEW), first.state(), T0.plus(Duration.ofHours(1)));
    KeyRetention.Result later =
        retention.apply(List.of(NEW), rotated.state(), T0.plus(Duration.ofHours(47)));
    KeyRetention.Result past =
        retention.apply(List.of(NEW), later.state(), T0.plus(Duration.ofDays(2)).plusSeconds(1));

    assertThat(rotated.published()).containsExactly(NEW, OLD);
    assertThat(rotated.retired()).containsExactly(OLD.getKeyID());
    assertThat(later.published()).containsExactly(NEW, OLD);
    assertThat(past.published()).containsExactly(NEW);
    assertThat(past.dropped()).containsExactly(OLD.getKeyID());
  }

  @Test
  void theStateSurvivesItsJsonForm() {
    KeyRetention.Result result = retention.apply(List.of(NEW, OLD), List.of(), T0);

    List<KeyRetention.SeenKey> read = KeyRetention.fromJson(KeyRetention.toJson(result.state()));

    assertThat(read).isEqualTo(result.state());
  }
}
