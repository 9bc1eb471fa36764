package dev.reef;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The values of the history API check what they are given and say what a read could not return. */
class HistoryValuesTest {

  @Test
  void aQueryCountsSinceFromItsClockAndChecksItsFilters() {
    Clock clock = Clock.fixed(Instant.parse("2026-12-04T10:00:00Z"), ZoneOffset.UTC);
    HistoryQuery query = HistoryQuery.builder().clock(clock).since(Duration.ofMinutes(10)).agent("planner")
        .type(SporeType.REQUEST).traceId("0123456789ABCDEF0123456789abcdef").limit(5).build();
    assertThat(query.start()).isEqualTo(HistoryStart.instant(Instant.parse("2026-12-04T09:50:00Z")));
    assertThat(query.traceId()).hasValue("0123456789abcdef0123456789abcdef");
    assertThat(query.limit()).hasValue(5);
    assertThat(query.filtered()).isTrue();
    assertThat(HistoryQuery.all().filtered()).isFalse();
    assertThatThrownBy(() -> HistoryQuery.builder().traceId("xyz")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32 hex digits");
    assertThatThrownBy(() -> HistoryQuery.builder().agent("no.dots")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HistoryQuery.builder().limit(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HistoryStart.offset(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aRetentionNeedsALimitOfAtLeastASecondOrAByte() {
    HistoryRetention retention = HistoryRetention.maxAge(Duration.ofDays(7)).andMaxBytes(1_000_000);
    assertThat(retention.maxAgeLimit()).hasValue(Duration.ofDays(7));
    assertThat(retention.maxBytesLimit()).hasValue(1_000_000);
    assertThat(retention.segmentBytes()).isEqualTo(HistoryRetention.DEFAULT_SEGMENT_BYTES);
    assertThatThrownBy(() -> HistoryRetention.maxAge(Duration.ofMillis(10))).hasMessageContaining("at least one second");
    assertThatThrownBy(() -> HistoryRetention.maxBytes(0)).hasMessageContaining("positive");
    assertThatThrownBy(() -> retention.withSegmentBytes(10)).hasMessageContaining("at least 1024");
  }

  @Test
  void aTruncatedReadSaysWhereItBeganAndAnotherSaysNothing() {
    Spore spore = Spore.builder(SporeType.KNOWLEDGE).from("a").to("b").build();
    HistoryEntry first = new HistoryEntry(1200, Instant.parse("2026-12-04T10:05:13Z"), spore);
    HistoryRead truncated = new HistoryRead(List.of(first), true, Optional.of(first), 1201, true);
    assertThat(truncated.note()).hasValue("history before 2026-12-04T10:05:13Z was removed by retention: reading"
        + " began at the first kept entry, offset 1200, stored at 2026-12-04T10:05:13Z");
    assertThat(new HistoryRead(List.of(first), false, Optional.of(first), 1201, true).note()).isEmpty();
    assertThat(HistoryStart.instant(first.storedAt()).admits(1200, first.storedAt())).isTrue();
    assertThat(HistoryStart.offset(1201).admits(1200, first.storedAt())).isFalse();
  }
}
