package io.podium.core.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WeakInternerTest {

  private final WeakInterner<String> interner = new WeakInterner<>();

  @Test
  void equalValuesGiveTheSameInstance() {
    String first = new String("shop");
    String second = new String("shop");
    assertThat(second).isNotSameAs(first);

    assertThat(interner.intern(first)).isSameAs(first);
    assertThat(interner.intern(second)).isSameAs(first);
    assertThat(interner.size()).isEqualTo(1);
  }

  @Test
  void differentValuesStayDifferent() {
    String shop = interner.intern(new String("shop"));
    String bank = interner.intern(new String("bank"));

    assertThat(bank).isNotSameAs(shop).isEqualTo("bank");
    assertThat(shop).isEqualTo("shop");
    assertThat(interner.size()).isEqualTo(2);
  }

  @Test
  void nullStaysNull() {
    assertThat(interner.intern(null)).isNull();
    assertThat(interner.size()).isZero();
  }

  @Test
  void anEntryGoesWhenNoOneUsesItsValueAndOthersStay() {
    String kept = interner.intern(new String("kept"));
    for (int i = 0; i < 1000; i++) {
      interner.intern(new String("gone-" + i));
    }

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              System.gc();
              return interner.size() == 1;
            });
    assertThat(interner.intern(new String("kept"))).isSameAs(kept);
  }

  @Test
  void aValueCollectedIsReplacedByTheNextEqualOne() {
    interner.intern(new String("again"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              System.gc();
              return interner.size() == 0;
            });

    String fresh = new String("again");
    assertThat(interner.intern(fresh)).isSameAs(fresh);
  }
}
