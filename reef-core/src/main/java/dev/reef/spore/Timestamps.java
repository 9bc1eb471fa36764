package dev.reef.spore;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;

/**
 * Spore timestamps on the wire: ISO-8601 in UTC with an explicit {@code +00:00} offset and
 * microseconds, which Python's {@code datetime.fromisoformat} reads. A timestamp without an offset
 * (Praval writes naive ones) is read as UTC.
 *
 * <p>Every spore sent or received goes through here, and {@link DateTimeFormatter} costs
 * microseconds per call: the forms Reef and Praval write are therefore formatted and parsed by hand,
 * and anything else goes to the formatters, which define the accepted syntax and its errors.
 */
public final class Timestamps {
  private static final DateTimeFormatter WRITE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx");
  private static final DateTimeFormatter READ =
      new DateTimeFormatterBuilder()
          .parseCaseInsensitive()
          .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
          .optionalStart()
          .appendOffset("+HH:MM:ss", "Z")
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HHMM", "Z")
          .optionalEnd()
          .toFormatter();
  /** Years 0000-9999 print as four digits, as {@code uuuu} does; the formatter handles the others. */
  private static final long FIRST_FAST_SECOND = LocalDate.of(0, 1, 1).toEpochDay() * 86_400;
  private static final long END_FAST_SECOND = LocalDate.of(10_000, 1, 1).toEpochDay() * 86_400;
  private static final int[] FRACTION_SCALE = {0, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100,
      10, 1};

  private Timestamps() {}

  /** Writes {@code instant} as e.g. {@code 2026-11-21T09:30:00.123456+00:00}. */
  public static String format(Instant instant) {
    long seconds = instant.getEpochSecond();
    if (seconds < FIRST_FAST_SECOND || seconds >= END_FAST_SECOND) {
      return WRITE.format(instant.atOffset(ZoneOffset.UTC));
    }
    LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400));
    int secondOfDay = (int) Math.floorMod(seconds, 86_400);
    byte[] text = new byte[32];
    digits(text, 0, date.getYear(), 4);
    text[4] = '-';
    digits(text, 5, date.getMonthValue(), 2);
    text[7] = '-';
    digits(text, 8, date.getDayOfMonth(), 2);
    text[10] = 'T';
    digits(text, 11, secondOfDay / 3600, 2);
    text[13] = ':';
    digits(text, 14, secondOfDay / 60 % 60, 2);
    text[16] = ':';
    digits(text, 17, secondOfDay % 60, 2);
    text[19] = '.';
    digits(text, 20, instant.getNano() / 1000, 6);
    text[26] = '+';
    text[27] = '0';
    text[28] = '0';
    text[29] = ':';
    text[30] = '0';
    text[31] = '0';
    return new String(text, StandardCharsets.ISO_8859_1);
  }

  /**
   * Reads an ISO-8601 date-time, with or without an offset (none means UTC).
   *
   * @throws IllegalArgumentException quoting the text when it is not such a timestamp
   */
  public static Instant parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty timestamp");
    }
    String trimmed = text.trim();
    Instant fast = parseCommonForm(trimmed);
    if (fast != null) {
      return fast;
    }
    try {
      TemporalAccessor parsed = READ.parseBest(trimmed, OffsetDateTime::from, LocalDateTime::from);
      return parsed instanceof OffsetDateTime offset
          ? offset.toInstant()
          : ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not an ISO-8601 timestamp: '" + text + "'", e);
    }
  }

  /**
   * {@code uuuu-MM-ddTHH:mm:ss}, an optional fraction of 1 to 9 digits, and an optional offset
   * ({@code Z}, {@code ±HH:MM}, {@code ±HH:MM:SS} or {@code ±HHMM}); null for anything else, or
   * for any value the formatter might resolve differently (it then decides).
   */
  static Instant parseCommonForm(String text) {
    int length = text.length();
    if (length < 19 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
        || text.charAt(13) != ':' || text.charAt(16) != ':') {
      return null;
    }
    int year = number(text, 0, 4);
    int month = number(text, 5, 2);
    int day = number(text, 8, 2);
    int hour = number(text, 11, 2);
    int minute = number(text, 14, 2);
    int second = number(text, 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > 28 && day > monthLength(year, month) || hour < 0
        || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
      return null;
    }
    int at = 19;
    int nanos = 0;
    if (at < length && text.charAt(at) == '.') {
      int start = ++at;
      while (at < length && at - start < 9 && isDigit(text.charAt(at))) {
        nanos = nanos * 10 + (text.charAt(at) - '0');
        at++;
      }
      int count = at - start;
      if (count == 0 || at < length && isDigit(text.charAt(at))) {
        return null;
      }
      nanos *= FRACTION_SCALE[count];
    }
    int offsetSeconds = 0;
    if (at < length) {
      char sign = text.charAt(at);
      int rest = length - at;
      if (sign == 'Z' && rest == 1) {
        offsetSeconds = 0;
      } else if (sign == '+' || sign == '-') {
        int offsetHours = number(text, at + 1, 2);
        int offsetMinutes;
        int offsetSecondsPart = 0;
        if (rest == 6 && text.charAt(at + 3) == ':') {
          offsetMinutes = number(text, at + 4, 2);
        } else if (rest == 9 && text.charAt(at + 3) == ':' && text.charAt(at + 6) == ':') {
          offsetMinutes = number(text, at + 4, 2);
          offsetSecondsPart = number(text, at + 7, 2);
        } else if (rest == 5) {
          offsetMinutes = number(text, at + 3, 2);
        } else {
          return null;
        }
        if (offsetHours < 0 || offsetHours > 17 || offsetMinutes < 0 || offsetMinutes > 59 || offsetSecondsPart < 0
            || offsetSecondsPart > 59) {
          return null;
        }
        offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60 + offsetSecondsPart) * (sign == '-' ? -1 : 1);
      } else {
        return null;
      }
    }
    long epochDay;
    try {
      epochDay = LocalDate.of(year, month, day).toEpochDay();
    } catch (DateTimeException e) {
      return null;
    }
    long epochSecond = epochDay * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds;
    return Instant.ofEpochSecond(epochSecond, nanos);
  }

  private static int monthLength(int year, int month) {
    return java.time.YearMonth.of(year, month).lengthOfMonth();
  }

  /** The decimal number of {@code count} digits at {@code from}, or -1 when they are not all digits. */
  private static int number(String text, int from, int count) {
    if (from + count > text.length()) {
      return -1;
    }
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = text.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static void digits(byte[] text, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      text[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
  }
}
