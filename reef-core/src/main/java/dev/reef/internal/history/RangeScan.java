package dev.reef.internal.history;

import dev.reef.HistoryEntry;
import dev.reef.HistoryStart;
import dev.reef.Observation;
import dev.reef.ReefException;
import dev.reef.spi.HistoryBounds;
import dev.reef.spi.HistoryLog;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Visits the entries of a history from a start up to its last entry as {@link HistoryBounds} gave it
 * (a bounded read: entries appended meanwhile are not visited), on the caller's thread. The backend
 * hands entries to a small queue, and waits while it is full.
 */
public final class RangeScan {
  private static final int BUFFER = 4096;

  private RangeScan() {}

  /**
   * Visits the entries from {@code start} to the last of {@code bounds} until {@code visitor} returns
   * false; returns the offset of the last entry visited, or -1.
   *
   * @param idle how long the backend may send nothing before the read fails
   * @throws ReefException when the backend stops sending before the end
   */
  public static long scan(HistoryLog log, HistoryStart start, HistoryBounds bounds, Duration idle,
      Predicate<HistoryEntry> visitor) {
    if (bounds.isEmpty() || beyond(start, bounds)) {
      return -1;
    }
    long lastOffset = bounds.end() - 1;
    BlockingQueue<HistoryEntry> entries = new ArrayBlockingQueue<>(BUFFER);
    AtomicBoolean done = new AtomicBoolean();
    long visited = -1;
    try (Observation reading = log.open(start, entry -> handOver(entries, entry, done))) {
      while (true) {
        HistoryEntry entry = entries.poll(idle.toNanos(), TimeUnit.NANOSECONDS);
        if (entry == null) {
          throw new ReefException("the history of channel '" + log.channel() + "' sent nothing for " + idle
              + " while reading up to offset " + lastOffset + " (last read: " + visited + ")");
        }
        if (entry.offset() > lastOffset) {
          return visited;
        }
        visited = entry.offset();
        if (!visitor.test(entry) || entry.offset() >= lastOffset) {
          return visited;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReefException("interrupted while reading the history of channel '" + log.channel() + "'", e);
    } finally {
      done.set(true);
    }
  }

  /** True when nothing at or after {@code start} is in {@code bounds}. */
  static boolean beyond(HistoryStart start, HistoryBounds bounds) {
    HistoryEntry last = bounds.last().orElse(null);
    if (last == null) {
      return true;
    }
    return switch (start.kind()) {
      case NEXT -> true;
      case FIRST -> false;
      case OFFSET -> start.offsetValue() > last.offset();
      case INSTANT -> start.instantValue().isAfter(last.storedAt());
    };
  }

  /** Puts an entry in the queue, waiting while it is full, until the reader is done. */
  static void handOver(BlockingQueue<HistoryEntry> entries, HistoryEntry entry, AtomicBoolean done) {
    try {
      while (!done.get() && !entries.offer(entry, 100, TimeUnit.MILLISECONDS)) {
        // full: the reader is behind; wait (the backend stops reading meanwhile)
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
