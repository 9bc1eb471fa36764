package dev.reef.spore;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.TemporalAccessor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-written formatting and parsing of the common forms agree with the formatters that define
 * the syntax, on random instants and on every variant of the common forms (and a few beyond them).
 */
class TimestampsFastPathTest {
  private static final DateTimeFormatter WRITE = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx");
  private static final DateTimeFormatter READ = new DateTimeFormatterBuilder()
      .parseCaseInsensitive()
      .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
      .optionalStart().appendOffset("+HH:MM:ss", "Z").optionalEnd()
      .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
      .toFormatter();

  @Test
  void formatAgreesWithTheFormatterOnRandomInstants() {
    Random random = new Random(7);
    long min = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 100_000; i++) {
      Instant instant = Instant.ofEpochSecond(min + (long) (random.nextDouble() * (max - min)),
          random.nextInt(1_000_000_000));
      assertThat(Timestamps.format(instant)).isEqualTo(WRITE.format(instant.atOffset(ZoneOffset.UTC)));
    }
    Instant far = Instant.parse("+12026-01-01T00:00:00Z");
    assertThat(Timestamps.format(far)).isEqualTo(WRITE.format(far.atOffset(ZoneOffset.UTC)));
  }

  @Test
  void parseAgreesWithTheFormatterOnTheCommonFormsAndBeyond() {
    Random random = new Random(11);
    List<String> offsets = List.of("", "Z", "+00:00", "-00:00", "+05:30", "-08:00", "+0530", "-0800", "+01:02:03",
        "+17:59", "+18:00", "+05", "z", "+5:30", "+05:3", "+05:30:", "+0530x");
    List<String> fractions = List.of("", ".1", ".12", ".123456", ".123456789", ".1234567890", ".", ".12a");
    for (int i = 0; i < 20_000; i++) {
      int year = random.nextInt(10_000);
      int month = 1 + random.nextInt(12);
      int day = 1 + random.nextInt(31);
      String text = String.format("%04d-%02d-%02dT%02d:%02d:%02d%s%s", year, month, day, random.nextInt(25),
          random.nextInt(61), random.nextInt(61), fractions.get(random.nextInt(fractions.size())),
          offsets.get(random.nextInt(offsets.size())));
      assertThat(outcome(() -> Timestamps.parse(text))).as(text).isEqualTo(outcome(() -> reference(text)));
    }
    for (String text : List.of("2026-02-29T10:00:00Z", "2024-02-29T10:00:00Z", "2026-04-31T00:00:00",
        "2026-11-21t10:00:00z", "2026-11-21T10:00Z", "2026-11-21 10:00:00", "12026-11-21T10:00:00Z")) {
      assertThat(outcome(() -> Timestamps.parse(text))).as(text).isEqualTo(outcome(() -> reference(text)));
    }
  }

  private static Instant reference(String text) {
    TemporalAccessor parsed = READ.parseBest(text, OffsetDateTime::from, LocalDateTime::from);
    return parsed instanceof OffsetDateTime offset ? offset.toInstant()
        : ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC);
  }

  /** The instant, or "error" when parsing fails: both paths must fail on the same texts. */
  private static Object outcome(java.util.function.Supplier<Instant> parse) {
    try {
      return parse.get();
    } catch (RuntimeException e) {
      return "error";
    }
  }
}
