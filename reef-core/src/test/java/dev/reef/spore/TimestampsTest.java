package dev.reef.spore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampsTest {

  @Test
  void formatWritesUtcWithAnExplicitOffsetAndSixFractionDigits() {
    assertThat(Timestamps.format(Instant.parse("2026-11-21T09:30:00.123456Z")))
        .isEqualTo("2026-11-21T09:30:00.123456+00:00");
  }

  @Test
  void formatAlwaysWritesSixFractionDigits() {
    assertThat(Timestamps.format(Instant.parse("2026-11-21T09:30:00Z"))).isEqualTo("2026-11-21T09:30:00.000000+00:00");
    assertThat(Timestamps.format(Instant.parse("2026-11-21T09:30:00.5Z")))
        .isEqualTo("2026-11-21T09:30:00.500000+00:00");
  }

  @Test
  void formatDropsDigitsBeyondMicroseconds() {
    assertThat(Timestamps.format(Instant.parse("2026-11-21T09:30:00.123456789Z")))
        .isEqualTo("2026-11-21T09:30:00.123456+00:00");
  }

  @Test
  void formatThenParseIsTheIdentityAtMicrosecondPrecision() {
    Instant instant = Instant.parse("2031-02-03T04:05:06.000007Z");
    assertThat(Timestamps.parse(Timestamps.format(instant))).isEqualTo(instant);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "2026-11-21T10:00:00.123456+00:00, 2026-11-21T10:00:00.123456Z",
    "2026-11-21T10:00:00.123456Z,      2026-11-21T10:00:00.123456Z",
    "2026-11-21T10:00:00.123456z,      2026-11-21T10:00:00.123456Z",
    "2026-11-21T10:00:00.123456+02:00, 2026-11-21T08:00:00.123456Z",
    "2026-11-21T10:00:00.123456-05:30, 2026-11-21T15:30:00.123456Z",
    "2026-11-21T10:00:00.123456+0200,  2026-11-21T08:00:00.123456Z",
    "2026-11-21T10:00:00.123456,       2026-11-21T10:00:00.123456Z",
    "2026-11-21T10:00:00.5,            2026-11-21T10:00:00.500Z",
    "2026-11-21T10:00:00.12+00:00,     2026-11-21T10:00:00.120Z",
    "2026-11-21T10:00:00,              2026-11-21T10:00:00Z",
    "2026-11-21T10:00,                 2026-11-21T10:00:00Z",
    "2026-11-21T10:00:00+01:00,        2026-11-21T09:00:00Z",
  })
  void parseAcceptsTheVariantsPythonAndJavaWrite(String text, String expected) {
    assertThat(Timestamps.parse(text)).isEqualTo(Instant.parse(expected));
  }

  @Test
  void aTimestampWithoutOffsetIsReadAsUtc() {
    assertThat(Timestamps.parse("2026-11-21T10:00:00.123456"))
        .isEqualTo(Timestamps.parse("2026-11-21T10:00:00.123456+00:00"));
  }

  @Test
  void surroundingWhitespaceIsIgnored() {
    assertThat(Timestamps.parse("  2026-11-21T10:00:00Z \n")).isEqualTo(Instant.parse("2026-11-21T10:00:00Z"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "yesterday", "2026-11-21", "2026-11-21 10:00:00", "21/11/2026 10:00", "2026-13-01T00:00:00",
    "2026-11-21T10:00:00+25:00", "2026-11-21T10:00:00 UTC", "1700000000"})
  void garbageIsRejectedQuotingTheText(String text) {
    assertThatThrownBy(() -> Timestamps.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not an ISO-8601 timestamp: '" + text + "'");
  }

  @Test
  void emptyAndNullAreRejected() {
    assertThatThrownBy(() -> Timestamps.parse(null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("empty timestamp");
    assertThatThrownBy(() -> Timestamps.parse("")).hasMessage("empty timestamp");
    assertThatThrownBy(() -> Timestamps.parse("   ")).hasMessage("empty timestamp");
  }
}
