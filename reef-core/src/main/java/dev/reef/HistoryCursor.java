package dev.reef;

import java.util.List;
import java.util.function.Consumer;

/**
 * A named reader of a channel's history whose position the backend keeps (AMQP: the broker's
 * offset tracking), so that a reader that stops, or whose process restarts, resumes where it left
 * off: after the last entry it {@linkplain #commit committed}, without loss or repeat. A cursor with
 * no committed position starts at the first entry kept. Not thread-safe: one reader per cursor.
 *
 * <pre>{@code
 * HistoryCursor cursor = channel.history().cursor("auditor");
 * List<HistoryEntry> batch = cursor.next(500);
 * archive(batch);
 * if (!batch.isEmpty()) cursor.commit(batch.get(batch.size() - 1).offset());
 * }</pre>
 */
public interface HistoryCursor extends AutoCloseable {

  /** The cursor's name. */
  String name();

  /** The offset the next {@link #next} reads from. */
  long position();

  /**
   * Up to {@code max} entries from {@link #position()}, oldest first; fewer (or none) when the end of
   * the history is reached. Advances the position but commits nothing.
   */
  List<HistoryEntry> next(int max);

  /**
   * Records that every entry up to and including {@code offset} is done: the backend keeps it, and a
   * cursor of this name opened later (in any process) starts after it.
   */
  void commit(long offset);

  /**
   * Hands every entry from {@link #position()} to {@code consumer}, then each new one as it is
   * published, in order, on a thread of the cursor's own; commits each entry after {@code consumer}
   * returned (stored in batches, and when the observation is closed). An entry whose consumer threw
   * is not committed, and the follow stops there.
   */
  Observation follow(Consumer<HistoryEntry> consumer);

  /** How many offsets lie between the committed position and the end of the history (the cursor's lag). */
  long lag();

  /** Stops a running follow (committing what it handled); the committed position stays with the backend. */
  @Override
  void close();
}
