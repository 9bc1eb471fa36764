package dev.reef.amqp;

import com.rabbitmq.stream.Message;
import dev.reef.HistoryEntry;
import dev.reef.HistoryStart;
import dev.reef.Observation;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live read of a history stream, in two stages on two threads: the stream client's thread takes
 * each message off the wire into a small queue (waiting while it is full, which holds back the
 * client's credit and so the broker), and a thread of the reader's own decodes it into a spore and
 * hands it on. The reader may block; decoding never slows the client's thread.
 */
final class StreamReader implements Observation {
  private static final Logger LOG = LoggerFactory.getLogger(StreamReader.class);
  private static final int BUFFER = 4096;

  /** A message as it came off the wire. */
  private record Raw(long offset, long timestamp, Message message) {}

  private final String channel;
  private final HistoryStart start;
  private final Function<Raw, HistoryEntry> decoder;
  private final Consumer<HistoryEntry> reader;
  private final BlockingQueue<Raw> arrived = new ArrayBlockingQueue<>(BUFFER);
  private final Thread thread;
  private volatile boolean closed;
  private volatile Runnable stopConsuming = () -> { };

  /**
   * @param decode the entry of a stored message at (offset, timestamp), or null when it is no spore
   */
  StreamReader(String channel, HistoryStart start, Decode decode, Consumer<HistoryEntry> reader) {
    this.channel = channel;
    this.start = start;
    this.decoder = raw -> decode.entry(raw.offset(), raw.timestamp(), raw.message());
    this.reader = reader;
    this.thread = new Thread(this::run, "reef-amqp-history-" + channel);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Decodes one stored message. */
  @FunctionalInterface
  interface Decode {
    HistoryEntry entry(long offset, long timestamp, Message message);
  }

  /** What closes the stream consumer feeding this reader. */
  void feedBy(Runnable stopConsuming) {
    this.stopConsuming = stopConsuming;
    if (closed) {
      stopConsuming.run();
    }
  }

  /** Called on the stream client's thread: queues a message, waiting while the queue is full. */
  void arrived(long offset, long timestamp, Message message) {
    Raw raw = new Raw(offset, timestamp, message);
    try {
      while (!closed && !arrived.offer(raw, 100, TimeUnit.MILLISECONDS)) {
        // the reader is behind: wait, and so hold the broker back
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    try {
      while (!closed) {
        Raw raw = arrived.poll(100, TimeUnit.MILLISECONDS);
        if (raw == null) {
          continue;
        }
        HistoryEntry entry = decoder.apply(raw);
        // A chunk starts before the offset or instant asked for: its head is skipped.
        if (entry != null && start.admits(entry.offset(), entry.storedAt()) && !closed) {
          reader.accept(entry);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warn("a reader of the history of channel '{}' failed; it stops: {}", channel, e.toString());
    }
    close();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      stopConsuming.run();
    } catch (RuntimeException e) {
      LOG.debug("closing a history consumer of '{}': {}", channel, e.toString());
    }
  }
}
