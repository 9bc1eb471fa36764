package dev.reef.tools.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as operators write them in flags, environment variables and config files: {@code 250ms},
 * {@code 5s}, {@code 2m}, {@code 1h}, or ISO-8601 ({@code PT5S}).
 */
public final class Durations {
  private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

  private Durations() {}

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException when it is none of the accepted forms, or negative
   */
  public static Duration parse(String text) {
    Objects.requireNonNull(text, "duration");
    String trimmed = text.trim().toLowerCase(Locale.ROOT);
    Matcher matcher = SHORT.matcher(trimmed);
    try {
      if (matcher.matches()) {
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          default -> Duration.ofHours(amount);
        };
      }
      Duration iso = Duration.parse(text.trim());
      if (iso.isNegative()) {
        throw new IllegalArgumentException("duration must not be negative, got '" + text + "'");
      }
      return iso;
    } catch (NumberFormatException | ArithmeticException | DateTimeParseException e) {
      throw new IllegalArgumentException("invalid duration '" + text + "': use e.g. 250ms, 5s, 2m, 1h or PT5S");
    }
  }

  /** {@code duration} in the short form {@link #parse} reads back, e.g. {@code 1500ms} or {@code 5s}. */
  public static String format(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    long millis = duration.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }
}
