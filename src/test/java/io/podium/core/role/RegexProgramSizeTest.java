package io.podium.core.role;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RegexProgramSizeTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "reader",
        "reader|writer|admin",
        "arn:aws:iam::\\d{12}:role/(?:team-a|team-b)/[\\w+=,.@-]{1,64}",
        "(a{10}){10}",
        "((a{5}){5}){5}",
        "(?:(a|b){3,7}c){2,}",
        "(?i)reader{3}",
        "(?i:ab){20}",
        "(?P<team>[a-z]+){9}/x{0,30}",
        "[]a]{50}",
        "[^]a]{50}",
        "[[:alpha:]]{40}",
        "[\\]\\[]{40}",
        "\\pL{30}\\p{Greek}{30}\\PN{30}",
        "\\x{41}{25}\\x41{25}",
        "\\Qa.b\\E{30}",
        "a{2}?b*?c+?d??",
        "a{,5}x{5,}",
        "^a{3}$|(?s:.{4})",
        "((((((a))))))",
        "(a)(b)(c)(d)(e)(f){10}",
      })
  void isNeverBelowWhatRe2jCompiles(String regex) {
    int actual = Pattern.compile("^(?:" + regex + ")$").programSize();

    assertThat(RegexProgramSize.bound("^(?:" + regex + ")$")).isGreaterThanOrEqualTo(actual);
  }

  @Test
  void countsNestedRepetitionAsAProduct() {
    assertThat(RegexProgramSize.bound("((a{1000}){1000}){1000}"))
        .isGreaterThanOrEqualTo(1_000_000_000L);
  }

  @Test
  void staysNearThePatternLengthWithoutCounts() {
    String flat = "(ab|cd)*[xyz]+\\w?\\Qlit\\E(?i)e.".repeat(100);

    assertThat(RegexProgramSize.bound(flat)).isLessThanOrEqualTo(flat.length() + 2L);
  }

  @Test
  void treatsBracesThatAreNotCountsAsLiterals() {
    assertThat(RegexProgramSize.bound("a{x}b{1,y}")).isLessThan(20);
  }

  @Test
  void saturatesInsteadOfOverflowing() {
    String regex = "(".repeat(10) + "a" + "{1000})".repeat(10);

    assertThat(RegexProgramSize.bound(regex)).isPositive().isEqualTo(1L << 40);
  }
}
