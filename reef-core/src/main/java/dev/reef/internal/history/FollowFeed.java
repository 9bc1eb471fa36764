package dev.reef.internal.history;

import dev.reef.HistoryEntry;
import dev.reef.HistoryStart;
import dev.reef.Observation;
import dev.reef.spi.HistoryLog;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live read of a history: each entry that matches goes to the consumer, in order, on the thread the
 * backend reads with, which is the read's own (SPI: {@link HistoryLog#open}); a slow consumer holds
 * the backend back rather than losing entries. A consumer that throws ends the follow.
 */
final class FollowFeed implements Observation {
  private static final Logger LOG = LoggerFactory.getLogger(FollowFeed.class);

  private final String channel;
  private final Predicate<HistoryEntry> accept;
  private final Consumer<HistoryEntry> consumer;
  private final LongConsumer afterEach;
  private final Runnable onClose;
  private final long limit;
  private long handed; // used on the backend's reading thread only
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
  private volatile Observation reading;

  /**
   * @param limit the most entries handed to the consumer before the follow ends; 0 for no limit
   * @param afterEach told the offset of each entry after the consumer returned
   * @param onClose run once when the follow ends (closed, limit reached, or the consumer threw)
   */
  FollowFeed(String channel, Predicate<HistoryEntry> accept, Consumer<HistoryEntry> consumer, long limit,
      LongConsumer afterEach, Runnable onClose) {
    this.channel = channel;
    this.accept = accept;
    this.consumer = consumer;
    this.limit = limit;
    this.afterEach = afterEach;
    this.onClose = onClose;
  }

  /** Starts reading {@code log} from {@code start}; returns this. */
  FollowFeed start(HistoryLog log, HistoryStart start) {
    Observation opened = log.open(start, this::take);
    reading = opened;
    if (closed.get()) {
      opened.close(); // the limit was reached, or the consumer threw, before open returned
    }
    return this;
  }

  private void take(HistoryEntry entry) {
    if (closed.get() || !accept.test(entry)) {
      return;
    }
    try {
      consumer.accept(entry);
    } catch (RuntimeException e) {
      LOG.warn("a follower of the history of channel '{}' failed on offset {}; the follow stops: {}", channel,
          entry.offset(), e.toString());
      close();
      return;
    }
    afterEach.accept(entry.offset());
    if (limit > 0 && ++handed >= limit) {
      close();
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Observation open = reading;
    if (open != null) {
      open.close();
    }
    try {
      onClose.run();
    } catch (RuntimeException e) {
      LOG.warn("closing a follow of the history of channel '{}': {}", channel, e.toString());
    }
  }
}
