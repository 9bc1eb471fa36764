package dev.reef.internal.history;

import dev.reef.HistoryEntry;
import dev.reef.HistoryStart;
import dev.reef.Observation;
import dev.reef.spi.HistoryLog;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live read of a history: the backend hands entries to a bounded queue (waiting while it is full,
 * so nothing is dropped), and a thread of the follow's own hands those that match to the consumer, in
 * order, so that a slow consumer never holds a backend thread for long.
 */
final class FollowFeed implements Observation {
  private static final Logger LOG = LoggerFactory.getLogger(FollowFeed.class);
  private static final int BUFFER = 4096;

  private final String channel;
  private final BlockingQueue<HistoryEntry> entries = new ArrayBlockingQueue<>(BUFFER);
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Predicate<HistoryEntry> accept;
  private final Consumer<HistoryEntry> consumer;
  private final LongConsumer afterEach;
  private final Runnable onClose;
  private final long limit;
  private final Thread thread;
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
    this.thread = new Thread(this::run, "reef-history-follow-" + channel);
    this.thread.setDaemon(true);
  }

  /** Starts reading {@code log} from {@code start}; returns this. */
  FollowFeed start(HistoryLog log, HistoryStart start) {
    reading = log.open(start, entry -> RangeScan.handOver(entries, entry, closed));
    thread.start();
    return this;
  }

  private void run() {
    long handed = 0;
    try {
      while (!closed.get()) {
        HistoryEntry entry = entries.poll(100, TimeUnit.MILLISECONDS);
        if (entry == null || !accept.test(entry)) {
          continue;
        }
        consumer.accept(entry);
        afterEach.accept(entry.offset());
        if (limit > 0 && ++handed >= limit) {
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warn("a follower of the history of channel '{}' failed; the follow stops: {}", channel, e.toString());
    }
    close();
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
