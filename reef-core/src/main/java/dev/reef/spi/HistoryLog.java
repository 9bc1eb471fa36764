package dev.reef.spi;

import dev.reef.HistoryEntry;
import dev.reef.HistoryRetention;
import dev.reef.HistoryStart;
import dev.reef.Observation;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The history of one channel as a backend keeps it (SPEC §3.16): an append-only log of every spore
 * published on the channel while history is kept, replies included, with offsets, the time each was
 * stored, retention, and named offsets for cursors. Appending is the backend's own job when it
 * publishes (and sends replies, see {@link ReefBackend#sendReply(String, String, dev.reef.spore.Spore)});
 * filtering, bounded reads and causal walks are the engine's, the same for every backend.
 *
 * <p>Keeping history must not make an unknown destination routable (SPEC §3.6), and a channel that
 * keeps none pays nothing for it.
 */
public interface HistoryLog {

  /** The channel. */
  String channel();

  /**
   * Keeps the channel's history from now on; idempotent.
   *
   * @throws dev.reef.ReefException when the backend refuses (e.g. the log exists with another retention)
   */
  void keep(HistoryRetention retention);

  /** True when the channel keeps history (asked of the broker, which any connection may have told). */
  boolean isKept();

  /** The first entry kept, the end, how many entries and bytes; asked of the broker now. */
  HistoryBounds bounds();

  /**
   * Hands the entries from {@code start} to {@code reader}, then each one appended later, in offset
   * order, one at a time, until the result is closed. The reader runs on a thread of the backend's
   * and may block: the backend then stops reading (never drops an entry). A stored message that is
   * not a valid spore is skipped, counted and logged.
   *
   * @throws IllegalStateException when the channel keeps no history
   */
  Observation open(HistoryStart start, Consumer<HistoryEntry> reader);

  /** The offset a cursor of this name committed last, kept by the backend; empty when none. */
  OptionalLong committedOffset(String cursor);

  /** Keeps {@code offset} as the last offset the cursor {@code cursor} committed. */
  void commitOffset(String cursor, long offset);
}
