package dev.reef;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of a bounded read of a channel's history: the entries that matched, in publish order,
 * and what the read could not return because retention had removed it.
 *
 * @param entries the matching entries, oldest first
 * @param truncated true when the query asked to begin before the first entry still kept: retention
 *     removed entries it asked for, and the read began at the first kept one
 * @param firstKept the first entry still kept when the read began (matching the query or not); empty
 *     when the history was empty
 * @param nextOffset where a following read goes on from: after the last entry this read examined
 * @param complete false when the read stopped at the query's limit before the end of the history
 */
public record HistoryRead(List<HistoryEntry> entries, boolean truncated, Optional<HistoryEntry> firstKept,
    long nextOffset, boolean complete) {

  /** Checks the fields and copies the list. */
  public HistoryRead {
    entries = List.copyOf(entries);
    Objects.requireNonNull(firstKept, "firstKept");
  }

  /**
   * A sentence for a person when the read was truncated, e.g. "history before 2026-12-04T10:00:00Z
   * was removed by retention: reading began at the first kept entry, offset 1200, stored at
   * 2026-12-04T10:05:13Z"; empty otherwise.
   */
  public Optional<String> note() {
    if (!truncated || firstKept.isEmpty()) {
      return Optional.empty();
    }
    HistoryEntry first = firstKept.get();
    Instant at = first.storedAt();
    return Optional.of("history before " + at + " was removed by retention: reading began at the first kept entry,"
        + " offset " + first.offset() + ", stored at " + at);
  }
}
