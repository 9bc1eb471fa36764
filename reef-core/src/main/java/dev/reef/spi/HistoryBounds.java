package dev.reef.spi;

import dev.reef.HistoryEntry;
import java.util.Objects;
import java.util.Optional;

/**
 * What a channel's history holds when asked.
 *
 * @param first the first entry still kept; empty when the history is empty
 * @param last the last entry; empty when the history is empty
 * @param entries how many entries are kept
 * @param bytes how many bytes they take, or -1 when the backend cannot tell
 */
public record HistoryBounds(Optional<HistoryEntry> first, Optional<HistoryEntry> last, long entries, long bytes) {
  private static final HistoryBounds EMPTY = new HistoryBounds(Optional.empty(), Optional.empty(), 0, 0);

  /** Checks the fields. */
  public HistoryBounds {
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(last, "last");
    if (first.isPresent() != last.isPresent()) {
      throw new IllegalArgumentException("a history has both a first and a last entry, or neither");
    }
    if (entries < 0) {
      throw new IllegalArgumentException("entries is 0 or more, got " + entries);
    }
  }

  /** An empty history. */
  public static HistoryBounds empty() {
    return EMPTY;
  }

  /** True when nothing is kept. */
  public boolean isEmpty() {
    return first.isEmpty();
  }

  /** The first kept offset; 0 when empty. */
  public long firstOffset() {
    return first.map(HistoryEntry::offset).orElse(0L);
  }

  /** The offset after the last entry; 0 when empty. */
  public long end() {
    return last.map(entry -> entry.offset() + 1).orElse(0L);
  }
}
