package dev.reef.internal.history;

import dev.reef.HistoryEntry;
import dev.reef.HistoryQuery;
import dev.reef.HistoryRead;
import dev.reef.HistoryStart;
import dev.reef.spi.HistoryBounds;
import dev.reef.spi.HistoryLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A read of a history from a query's start to the end as it is when the read begins. */
final class BoundedRead {
  private BoundedRead() {}

  static HistoryRead read(HistoryLog log, HistoryQuery query, Duration idle) {
    HistoryBounds bounds = log.bounds();
    HistoryFilter filter = new HistoryFilter(query);
    int limit = query.limit().orElse(Integer.MAX_VALUE);
    List<HistoryEntry> found = new ArrayList<>();
    long last = RangeScan.scan(log, query.start(), bounds, idle, entry -> {
      if (filter.test(entry.spore())) {
        found.add(entry);
      }
      return found.size() < limit;
    });
    boolean complete = last < 0 || last >= bounds.end() - 1;
    long next = last >= 0 ? last + 1
        : query.start().kind() == HistoryStart.Kind.OFFSET ? Math.max(query.start().offsetValue(), bounds.end())
        : bounds.end();
    return new HistoryRead(found, truncated(query.start(), bounds), bounds.first(), next, complete);
  }

  /**
   * True when the start lies before the first entry kept and retention has removed entries (the
   * first kept one is not the first ever stored, offset 0).
   */
  static boolean truncated(HistoryStart start, HistoryBounds bounds) {
    if (bounds.isEmpty() || bounds.firstOffset() == 0) {
      return false;
    }
    HistoryEntry first = bounds.first().orElseThrow();
    return switch (start.kind()) {
      case OFFSET -> start.offsetValue() < first.offset();
      case INSTANT -> start.instantValue().isBefore(first.storedAt());
      case FIRST, NEXT -> false;
    };
  }
}
