package dev.reef;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a read of a channel's history begins: at the first entry kept, at an offset, at an instant,
 * or after the last entry (live spores only). Immutable.
 */
public final class HistoryStart {
  /** The kinds of start. */
  public enum Kind {
    /** The first entry the history still keeps. */
    FIRST,
    /** The entry at an offset (or the first kept one after it, when it is gone). */
    OFFSET,
    /** The first entry stored at or after an instant. */
    INSTANT,
    /** After the last entry: only spores published from now on. */
    NEXT
  }

  private static final HistoryStart FIRST = new HistoryStart(Kind.FIRST, 0, null);
  private static final HistoryStart NEXT = new HistoryStart(Kind.NEXT, 0, null);

  private final Kind kind;
  private final long offset;
  private final Instant instant;

  private HistoryStart(Kind kind, long offset, Instant instant) {
    this.kind = kind;
    this.offset = offset;
    this.instant = instant;
  }

  /** From the first entry kept. */
  public static HistoryStart first() {
    return FIRST;
  }

  /** From now on: only what is published after the read begins. */
  public static HistoryStart next() {
    return NEXT;
  }

  /**
   * From {@code offset} (0 is the first entry ever stored).
   *
   * @throws IllegalArgumentException when {@code offset} is negative
   */
  public static HistoryStart offset(long offset) {
    if (offset < 0) {
      throw new IllegalArgumentException("a history offset is 0 or more, got " + offset);
    }
    return new HistoryStart(Kind.OFFSET, offset, null);
  }

  /** From the first entry stored at or after {@code instant}. */
  public static HistoryStart instant(Instant instant) {
    return new HistoryStart(Kind.INSTANT, 0, Objects.requireNonNull(instant, "instant"));
  }

  /** The kind of start. */
  public Kind kind() {
    return kind;
  }

  /** The offset of an {@link Kind#OFFSET} start; 0 otherwise. */
  public long offsetValue() {
    return offset;
  }

  /** The instant of an {@link Kind#INSTANT} start; null otherwise. */
  public Instant instantValue() {
    return instant;
  }

  /** True when an entry at {@code offset}, stored at {@code storedAt}, lies at or after this start. */
  public boolean admits(long entryOffset, Instant storedAt) {
    return switch (kind) {
      case FIRST, NEXT -> true;
      case OFFSET -> entryOffset >= offset;
      case INSTANT -> !storedAt.isBefore(instant);
    };
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof HistoryStart that && kind == that.kind && offset == that.offset
        && Objects.equals(instant, that.instant);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, offset, instant);
  }

  @Override
  public String toString() {
    return switch (kind) {
      case FIRST -> "the first kept entry";
      case NEXT -> "the next entry";
      case OFFSET -> "offset " + offset;
      case INSTANT -> instant.toString();
    };
  }
}
