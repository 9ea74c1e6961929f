package io.podium.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SessionNamesTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      textBlock =
          """
          ns-web                   | ns-web
          Az09_+=,.@-              | Az09_+=,.@-
          team/app:web             | team-app-web
          with space               | with-space
          tab\there                | tab-here
          café                     | caf-
          名前                      | --
          emoji-🙂                 | emoji--
          a#b%c*d(e)f              | a-b-c-d-e-f
          """)
  void replacesCharactersStsRejects(String raw, String sanitized) {
    assertThat(SessionNames.sanitize(raw)).isEqualTo(sanitized);
  }

  @Test
  void padsToTheMinimumLength() {
    assertThat(SessionNames.sanitize("")).isEqualTo("--");
    assertThat(SessionNames.sanitize("x")).isEqualTo("x-");
    assertThat(SessionNames.sanitize("xy")).isEqualTo("xy");
  }

  @Test
  void keepsNamesOfExactlySixtyFourCharacters() {
    String name = "n".repeat(64);

    assertThat(SessionNames.sanitize(name)).isEqualTo(name);
  }

  @Test
  void truncatesLongNamesKeepingTheHeadAndEndingInAHash() {
    String raw = "namespace-" + "p".repeat(100);

    String name = SessionNames.sanitize(raw);

    assertThat(name).hasSize(SessionNames.MAX_LENGTH).startsWith("namespace-ppp");
    assertThat(name).matches("namespace-p{45}-[0-9a-f]{8}");
  }

  @Test
  void keepsLongNamesWithCommonPrefixDistinct() {
    String prefix = "x".repeat(70);

    String a = SessionNames.sanitize(prefix + "-a");
    String b = SessionNames.sanitize(prefix + "-b");

    assertThat(a).hasSize(64).isNotEqualTo(b);
    assertThat(b).hasSize(64);
    assertThat(a.substring(0, 55)).isEqualTo(b.substring(0, 55));
  }

  @Test
  void isDeterministic() {
    String raw = "y".repeat(200);

    assertThat(SessionNames.sanitize(raw)).isEqualTo(SessionNames.sanitize(raw));
  }

  @Test
  void truncatedNamesStayWithinStsCharacters() {
    assertThat(SessionNames.sanitize("ü/".repeat(300))).hasSize(64).matches("[\\w+=,.@-]+");
  }

  @Test
  void keepsThePrefixWholeAndCutsOnlyWhatFollows() {
    String name = SessionNames.withPrefix("shop@", "p".repeat(100));

    assertThat(name).hasSize(SessionNames.MAX_LENGTH).matches("shop@p{50}-[0-9a-f]{8}");
  }

  @Test
  void sanitisesWhatFollowsThePrefix() {
    assertThat(SessionNames.withPrefix("shop@", "team/batch job")).isEqualTo("shop@team-batch-job");
  }

  @Test
  void aPrefixLeavingNoRoomForAHashIsCutToTheLimitAfterIt() {
    String prefix = "n".repeat(60) + "@";

    assertThat(SessionNames.withPrefix(prefix, "x".repeat(10)))
        .hasSize(SessionNames.MAX_LENGTH)
        .startsWith(prefix);
  }
}
