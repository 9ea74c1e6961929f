package io.podium.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads durations as people write them on a command line: {@code 500ms}, {@code 5s}, {@code 15m},
 * {@code 1h}, or combined such as {@code 1h30m}. Negative values are rejected here; whether zero
 * makes sense is for the option's settings record to say.
 */
final class DurationConverter implements ITypeConverter<Duration> {

  private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
  private static final Pattern WHOLE = Pattern.compile("(?:\\d{1,9}(?:ms|s|m|h|d))+");

  @Override
  public Duration convert(String value) {
    String text = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
    if (!WHOLE.matcher(text).matches()) {
      throw new TypeConversionException(
          "'"
              + abbreviate(value)
              + "' is not a duration: write a number and a unit (ms, s, m, h, d), e.g. 500ms, 5s,"
              + " 15m, 1h or 1h30m");
    }
    Duration total = Duration.ZERO;
    Matcher part = PART.matcher(text);
    while (part.find()) {
      long amount = Long.parseLong(part.group(1));
      total =
          total.plus(
              switch (part.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                case "d" -> Duration.ofDays(amount);
                default -> throw new IllegalStateException("unit " + part.group(2));
              });
    }
    return total;
  }

  private static String abbreviate(String value) {
    if (value == null) {
      return "";
    }
    return value.length() <= 64 ? value : value.substring(0, 64) + "…";
  }
}
