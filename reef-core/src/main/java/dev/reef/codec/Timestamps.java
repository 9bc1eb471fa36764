package dev.reef.codec;

import java.time.Instant;
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

  private Timestamps() {}

  /** Writes {@code instant} as e.g. {@code 2026-11-21T09:30:00.123456+00:00}. */
  public static String format(Instant instant) {
    return WRITE.format(instant.atOffset(ZoneOffset.UTC));
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
    try {
      TemporalAccessor parsed = READ.parseBest(text.trim(), OffsetDateTime::from, LocalDateTime::from);
      return parsed instanceof OffsetDateTime offset
          ? offset.toInstant()
          : ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not an ISO-8601 timestamp: '" + text + "'", e);
    }
  }
}
