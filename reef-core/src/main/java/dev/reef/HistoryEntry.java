package dev.reef;

import dev.reef.spore.Spore;
import java.time.Instant;
import java.util.Objects;

/**
 * One spore in a channel's history (SPEC §3.16).
 *
 * @param offset its position in the channel's history: larger for later entries, never reused
 *     (entries removed by retention leave their offsets unused; offsets need not be consecutive)
 * @param storedAt when the backend stored it (the broker's clock on AMQP)
 * @param spore the spore as it was published
 */
public record HistoryEntry(long offset, Instant storedAt, Spore spore) {

  /** Checks the fields. */
  public HistoryEntry {
    if (offset < 0) {
      throw new IllegalArgumentException("a history offset is 0 or more, got " + offset);
    }
    Objects.requireNonNull(storedAt, "storedAt");
    Objects.requireNonNull(spore, "spore");
  }
}
