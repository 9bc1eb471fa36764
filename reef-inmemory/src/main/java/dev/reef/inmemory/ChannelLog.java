package dev.reef.inmemory;

import dev.reef.HistoryEntry;
import dev.reef.HistoryRetention;
import dev.reef.HistoryStart;
import dev.reef.Observation;
import dev.reef.spi.HistoryBounds;
import dev.reef.spi.HistoryLog;
import dev.reef.spore.Names;
import dev.reef.spore.Spore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The history of one channel in the broker (AMQP: the stream {@code ns.CHANNEL.history}): every spore
 * published on the channel while kept, replies included, with consecutive offsets from 0 and the
 * time each was stored; retention by age and bytes removes the oldest entries (one at a time, as if
 * each were a segment); named offsets of cursors stay in the broker across connections. Entries
 * reach followers on threads of their own, never on the publisher's.
 */
final class ChannelLog implements HistoryLog {
  /** Roughly what a stored spore costs beside its knowledge (headers, ids, timestamps). */
  private static final int ENTRY_OVERHEAD_BYTES = 256;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ChannelLog.class);

  private record Stored(HistoryEntry entry, long bytes) {}

  private final String channel;
  private final Clock clock;
  private final List<Stored> entries = new ArrayList<>(); // guarded by this; live from index head on
  private int head; // guarded by this
  private final Map<String, Long> cursors = new HashMap<>(); // guarded by this
  private volatile boolean kept;
  private HistoryRetention retention; // guarded by this
  private long nextOffset; // guarded by this
  private long bytes; // guarded by this
  private Instant lastStoredAt = Instant.EPOCH; // guarded by this

  ChannelLog(String channel, Clock clock) {
    this.channel = channel;
    this.clock = clock;
  }

  @Override
  public String channel() {
    return channel;
  }

  /** {@inheritDoc} */
  @Override
  public synchronized void keep(HistoryRetention retention) {
    this.retention = Objects.requireNonNull(retention, "retention");
    this.kept = true;
    trim();
  }

  @Override
  public boolean isKept() {
    return kept;
  }

  /** Appends a published spore when the channel keeps history. */
  void append(Spore spore) {
    if (!kept) {
      return;
    }
    synchronized (this) {
      Instant now = clock.instant();
      lastStoredAt = now.isAfter(lastStoredAt) ? now : lastStoredAt; // never earlier than the entry before
      long size = spore.knowledgeBytes() + ENTRY_OVERHEAD_BYTES;
      entries.add(new Stored(new HistoryEntry(nextOffset++, lastStoredAt, spore), size));
      bytes += size;
      trim();
      notifyAll();
    }
  }

  @Override
  public synchronized HistoryBounds bounds() {
    trim();
    if (size() == 0) {
      return HistoryBounds.empty();
    }
    return new HistoryBounds(Optional.of(entries.get(head).entry()), Optional.of(entries.get(entries.size() - 1).entry()),
        size(), bytes);
  }

  @Override
  public Observation open(HistoryStart start, Consumer<HistoryEntry> reader) {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(reader, "reader");
    if (!kept) {
      throw new IllegalStateException("channel '" + channel + "' keeps no history");
    }
    Follower follower = new Follower(reader, firstOffsetOf(start));
    follower.thread.start();
    return follower;
  }

  @Override
  public synchronized OptionalLong committedOffset(String cursor) {
    Long offset = cursors.get(Names.require("cursor name", cursor));
    return offset == null ? OptionalLong.empty() : OptionalLong.of(offset);
  }

  @Override
  public synchronized void commitOffset(String cursor, long offset) {
    if (offset < 0) {
      throw new IllegalArgumentException("an offset is 0 or more, got " + offset);
    }
    cursors.put(Names.require("cursor name", cursor), offset);
  }

  private synchronized long firstOffsetOf(HistoryStart start) {
    trim();
    long first = size() == 0 ? nextOffset : entries.get(head).entry().offset();
    return switch (start.kind()) {
      case FIRST -> first;
      case NEXT -> nextOffset;
      case OFFSET -> Math.max(first, start.offsetValue());
      case INSTANT -> {
        int low = head;
        int high = entries.size(); // storedAt never decreases: the first at or after the instant, by bisection
        while (low < high) {
          int middle = (low + high) >>> 1;
          if (entries.get(middle).entry().storedAt().isBefore(start.instantValue())) {
            low = middle + 1;
          } else {
            high = middle;
          }
        }
        yield low < entries.size() ? entries.get(low).entry().offset() : nextOffset;
      }
    };
  }

  /** Up to {@code max} entries from {@code offset} (or the first kept after it); waits up to 100 ms for one. */
  private synchronized List<HistoryEntry> from(long offset, int max) throws InterruptedException {
    if (offset >= nextOffset) {
      wait(100);
    }
    trim();
    List<HistoryEntry> batch = new ArrayList<>();
    if (size() == 0 || offset >= nextOffset) {
      return batch;
    }
    long first = entries.get(head).entry().offset();
    // Offsets are consecutive in memory: the entry at an offset is found by subtraction.
    for (int index = head + (int) Math.max(0, offset - first); index < entries.size() && batch.size() < max; index++) {
      batch.add(entries.get(index).entry());
    }
    return batch;
  }

  /** Removes entries past the retention, oldest first; the newest is always kept. */
  private void trim() {
    if (retention == null) {
      return;
    }
    Instant oldest = retention.maxAgeLimit().map(age -> clock.instant().minus(age)).orElse(null);
    long maxBytes = retention.maxBytesLimit().orElse(Long.MAX_VALUE);
    while (size() > 1 && ((oldest != null && entries.get(head).entry().storedAt().isBefore(oldest))
        || bytes > maxBytes)) {
      bytes -= entries.set(head++, null).bytes();
    }
    if (head > 1024 && head > entries.size() / 2) {
      entries.subList(0, head).clear(); // compact now and then, not on every removal
      head = 0;
    }
  }

  private int size() {
    return entries.size() - head;
  }

  /** One reader of the log, on a thread of its own. */
  private final class Follower implements Observation, Runnable {
    private final Consumer<HistoryEntry> reader;
    private final Thread thread;
    private volatile boolean closed;
    private long next;

    Follower(Consumer<HistoryEntry> reader, long next) {
      this.reader = reader;
      this.next = next;
      this.thread = new Thread(this, "reef-inmemory-history-" + channel);
      thread.setDaemon(true);
    }

    @Override
    public void run() {
      try {
        while (!closed) {
          for (HistoryEntry entry : from(next, 256)) {
            if (closed) {
              return;
            }
            try {
              reader.accept(entry);
            } catch (RuntimeException e) {
              LOG.warn("a reader of the history of channel '{}' failed on offset {}; it stops: {}", channel,
                  entry.offset(), e.toString());
              return;
            }
            next = entry.offset() + 1;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
