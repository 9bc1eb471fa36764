package dev.reef.internal.history;

import dev.reef.Action;
import dev.reef.HistoryCursor;
import dev.reef.HistoryEntry;
import dev.reef.HistoryStart;
import dev.reef.Observation;
import dev.reef.spi.HistoryBounds;
import dev.reef.spi.HistoryLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * A {@link HistoryCursor}: its committed offset lives in the backend ({@link HistoryLog#commitOffset});
 * its read position, here. A follow commits every {@value #COMMIT_EVERY} entries, at most a second
 * apart, and when it ends.
 */
final class Cursor implements HistoryCursor {
  private static final int COMMIT_EVERY = 100;
  private static final long COMMIT_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();

  private final String name;
  private final HistoryLog log;
  private final HistoryGuard guard;
  private final Duration idle;
  private long position; // guarded by this
  private long committed; // guarded by this; -1: none
  private long handled = -1; // guarded by this: the last entry a follow handled, committed or not
  private long lastCommitNanos = System.nanoTime(); // guarded by this
  private FollowFeed following; // guarded by this

  Cursor(String name, HistoryLog log, HistoryGuard guard, Duration idle) {
    this.name = name;
    this.log = log;
    this.guard = guard;
    this.idle = idle;
    OptionalLong stored = log.committedOffset(name);
    this.committed = stored.orElse(-1);
    this.position = stored.isPresent() ? stored.getAsLong() + 1 : 0;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public synchronized long position() {
    return position;
  }

  @Override
  public List<HistoryEntry> next(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1, got " + max);
    }
    guard.check(Action.HISTORY_READ, log.channel());
    long from;
    synchronized (this) {
      if (following != null) {
        throw new IllegalStateException("cursor '" + name + "' is following; close the follow before reading batches");
      }
      from = position;
    }
    List<HistoryEntry> batch = new ArrayList<>(Math.min(max, 1024));
    HistoryBounds bounds = log.bounds();
    long last = RangeScan.scan(log, HistoryStart.offset(from), bounds, idle, entry -> {
      batch.add(entry);
      return batch.size() < max;
    });
    if (last >= 0) {
      synchronized (this) {
        position = last + 1;
      }
    }
    return batch;
  }

  @Override
  public void commit(long offset) {
    if (offset < 0) {
      throw new IllegalArgumentException("an offset is 0 or more, got " + offset);
    }
    guard.check(Action.HISTORY_READ, log.channel());
    log.commitOffset(name, offset);
    synchronized (this) {
      committed = Math.max(committed, offset);
      lastCommitNanos = System.nanoTime();
    }
  }

  @Override
  public Observation follow(Consumer<HistoryEntry> consumer) {
    Objects.requireNonNull(consumer, "consumer");
    guard.check(Action.HISTORY_READ, log.channel());
    synchronized (this) {
      if (following != null) {
        throw new IllegalStateException("cursor '" + name + "' is following already");
      }
      following = new FollowFeed(log.channel(), entry -> true, consumer, 0, this::handled, this::followEnded);
      return following.start(log, HistoryStart.offset(position));
    }
  }

  private void handled(long offset) {
    boolean due;
    synchronized (this) {
      handled = offset;
      position = offset + 1;
      due = offset - committed >= COMMIT_EVERY || System.nanoTime() - lastCommitNanos >= COMMIT_INTERVAL_NANOS;
    }
    if (due) {
      commit(offset);
    }
  }

  private void followEnded() {
    long pending;
    synchronized (this) {
      following = null;
      pending = handled > committed ? handled : -1;
    }
    if (pending >= 0) {
      log.commitOffset(name, pending);
      synchronized (this) {
        committed = Math.max(committed, pending);
      }
    }
  }

  @Override
  public long lag() {
    HistoryBounds bounds = log.bounds();
    long from;
    synchronized (this) {
      from = committed >= 0 ? committed + 1 : 0;
    }
    return Math.max(0, bounds.end() - Math.max(from, bounds.firstOffset()));
  }

  @Override
  public void close() {
    FollowFeed running;
    synchronized (this) {
      running = following;
    }
    if (running != null) {
      running.close();
    }
  }

  @Override
  public String toString() {
    return "HistoryCursor[" + name + " on " + log.channel() + "]";
  }
}
