package dev.reef.amqp;

import com.rabbitmq.stream.Consumer;
import com.rabbitmq.stream.ConsumerFlowStrategy;
import com.rabbitmq.stream.MessageHandler;
import com.rabbitmq.stream.NoOffsetException;
import com.rabbitmq.stream.OffsetSpecification;
import dev.reef.HistoryEntry;
import dev.reef.HistoryRetention;
import dev.reef.HistoryStart;
import dev.reef.Observation;
import dev.reef.ReefException;
import dev.reef.spi.HistoryBounds;
import dev.reef.spi.HistoryLog;
import dev.reef.spore.Names;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One channel's history on RabbitMQ: the stream {@code ns.CHANNEL.history}, read through the stream
 * protocol. Reading is flow-controlled (credit is asked for once half of a chunk is processed), so a
 * reader that waits holds the broker back instead of filling memory. Cursors' offsets are the
 * broker's own offset tracking, under the cursor's name.
 *
 * <p>Bounds are asked without RabbitMQ 3.11's stream statistics, so that a 3.10 broker serves too:
 * a reader attached at the first chunk gives the
 * first entry, one attached at the last chunk reads that chunk (whose entries share its timestamp) to
 * its end for the last: until an entry of a later chunk arrives, or {@link #QUIET} passes with
 * nothing more. While spores are being published the "last" found may be a little later than the
 * last when asked, never earlier.
 *
 * <p>"Empty" is never a guess from a wait: a read that skipped a history thought empty (a catch-up)
 * would lose spores. A broker with stream statistics (3.11 and later) says so at once. Before that,
 * the broker's message count is all there is, and it is its statistics, refreshed every
 * {@code collect_statistics_interval} (5 s by default): it may say none for seconds after spores were
 * stored. So a count of none is believed only when, {@link #COUNT_LAG} after the bounds were asked, it
 * still says none and no first entry came meanwhile (an empty history costs that wait on 3.10);
 * otherwise the first entry is waited for up to {@link #PROBE_WAIT}.
 */
final class StreamHistoryLog implements HistoryLog {
  private static final Logger LOG = LoggerFactory.getLogger(StreamHistoryLog.class);
  private static final RateLimitedLog SKIPPED = new RateLimitedLog(LOG, 10);
  static final Duration QUIET = Duration.ofMillis(200);
  private static final Duration PROBE_WAIT = Duration.ofSeconds(15);
  /** Longer than the broker's default statistics interval (5 s), so that a count of none is current. */
  static final Duration COUNT_LAG = Duration.ofSeconds(7);
  /** Chunks asked for ahead: enough to keep the reader busy, few enough to bound what waits in memory. */
  private static final int CREDITS = 4;

  private final String channel;
  private final String stream;
  private final HistoryStreams streams;
  private final StreamMessages messages;
  private final AtomicLong undecodable = new AtomicLong();

  StreamHistoryLog(String channel, String stream, HistoryStreams streams, StreamMessages messages) {
    this.channel = channel;
    this.stream = stream;
    this.streams = streams;
    this.messages = messages;
  }

  @Override
  public String channel() {
    return channel;
  }

  @Override
  public void keep(HistoryRetention retention) {
    streams.keep(channel, retention);
  }

  @Override
  public boolean isKept() {
    return streams.isKept(channel);
  }

  @Override
  public HistoryBounds bounds() {
    long asked = System.nanoTime();
    long count = streams.messageCount(stream);
    if (count < 0) {
      throw noHistory();
    }
    Optional<Boolean> emptyByStatistics = count == 0 ? streams.emptyByStatistics(stream) : Optional.of(false);
    if (emptyByStatistics.orElse(false)) {
      return HistoryBounds.empty();
    }
    boolean countMayLag = emptyByStatistics.isEmpty();
    Probe firstProbe = probe(OffsetSpecification.first(), false, countMayLag ? COUNT_LAG : PROBE_WAIT);
    if (firstProbe == null && countMayLag && streams.messageCount(stream) > 0) {
      // Stored before the question, counted only now; their first chunk is on its way (a loaded broker).
      LOG.debug("history of '{}': counted only {} ms after it was asked; waiting for its first entry", channel,
          (System.nanoTime() - asked) / 1_000_000);
      firstProbe = probe(OffsetSpecification.first(), false, PROBE_WAIT);
    }
    if (firstProbe == null) {
      return HistoryBounds.empty();
    }
    HistoryEntry first = firstProbe.entry(messages);
    Probe lastProbe = probe(OffsetSpecification.last(), true, PROBE_WAIT);
    HistoryEntry last = lastProbe == null ? null : lastProbe.entry(messages);
    if (first == null) {
      return HistoryBounds.empty(); // a first message that is not a spore (rare: Reef writes spores only)
    }
    if (last == null || last.offset() < first.offset()) {
      last = first;
    }
    return new HistoryBounds(Optional.of(first), Optional.of(last), Math.max(count, 1), -1);
  }

  @Override
  public Observation open(HistoryStart start, java.util.function.Consumer<HistoryEntry> reader) {
    if (streams.messageCount(stream) < 0) {
      throw noHistory();
    }
    StreamReader decoding = new StreamReader(channel, start, this::decode, reader);
    try {
      Consumer consumer = streams.environment().consumerBuilder()
          .stream(stream)
          .offset(specification(start))
          .noTrackingStrategy()
          .flow().strategy(ConsumerFlowStrategy.creditWhenHalfMessagesProcessed(CREDITS)).builder()
          .messageHandler((context, message) -> {
            decoding.arrived(context.offset(), context.timestamp(), message);
            context.processed();
          })
          .build();
      decoding.feedBy(consumer::close);
    } catch (RuntimeException e) {
      decoding.close();
      throw e;
    }
    return decoding;
  }

  @Override
  public OptionalLong committedOffset(String cursor) {
    Names.require("cursor name", cursor);
    if (streams.messageCount(stream) < 0) {
      throw noHistory();
    }
    Consumer consumer = streams.environment().consumerBuilder().stream(stream).name(cursor)
        .offset(OffsetSpecification.next()).manualTrackingStrategy().builder()
        .messageHandler((context, message) -> { }).build();
    try {
      return OptionalLong.of(consumer.storedOffset());
    } catch (NoOffsetException e) {
      return OptionalLong.empty();
    } finally {
      consumer.close();
    }
  }

  @Override
  public void commitOffset(String cursor, long offset) {
    Names.require("cursor name", cursor);
    if (offset < 0) {
      throw new IllegalArgumentException("an offset is 0 or more, got " + offset);
    }
    streams.environment().storeOffset(cursor, stream, offset);
  }

  private HistoryEntry decode(long offset, long timestamp, com.rabbitmq.stream.Message message) {
    StreamMessages.Read read = messages.read(offset, timestamp, message);
    if (read instanceof StreamMessages.Read.Entry entry) {
      return entry.entry();
    }
    long skipped = undecodable.incrementAndGet();
    SKIPPED.warn("history of '{}': offset {} is not a spore, skipped ({} so far): {}", channel, offset, skipped,
        ((StreamMessages.Read.Malformed) read).reason());
    return null;
  }

  /**
   * The first spore read from {@code where}; or, when {@code toTheEnd}, the last one of the first
   * chunk read (or of a later chunk, which is as good: it was stored later).
   */
  /** What a reader attached at {@code where} saw; null when nothing came within {@code patience}. */
  private Probe probe(OffsetSpecification where, boolean toTheEnd, Duration patience) {
    Probe probe = new Probe(toTheEnd);
    Consumer consumer = streams.environment().consumerBuilder().stream(stream).offset(where).noTrackingStrategy()
        .messageHandler(probe::take).build();
    try {
      return probe.await(patience) ? probe : null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReefException("interrupted while reading the bounds of " + stream, e);
    } finally {
      consumer.close();
    }
  }

  /** What a probe consumer saw: the first message, or the last of the first chunk. */
  private static final class Probe {
    private final boolean toTheEnd;
    private com.rabbitmq.stream.Message message; // guarded by this
    private long offset = -1; // guarded by this
    private long timestamp; // guarded by this
    private long firstTimestamp; // guarded by this
    private long arrivedNanos; // guarded by this
    private boolean complete; // guarded by this

    Probe(boolean toTheEnd) {
      this.toTheEnd = toTheEnd;
    }

    synchronized void take(MessageHandler.Context context, com.rabbitmq.stream.Message taken) {
      if (complete) {
        return;
      }
      if (offset < 0) {
        firstTimestamp = context.timestamp();
      } else if (!toTheEnd) {
        return;
      }
      message = taken;
      offset = context.offset();
      timestamp = context.timestamp();
      arrivedNanos = System.nanoTime();
      // The entries of a chunk share its timestamp: another one means the first chunk is complete.
      complete = !toTheEnd || context.timestamp() != firstTimestamp;
      notifyAll();
    }

    /** Waits for the first message (and, reading to the end, the rest of its chunk); false when none came. */
    synchronized boolean await(Duration patience) throws InterruptedException {
      long deadline = System.nanoTime() + patience.toNanos();
      while (true) {
        long now = System.nanoTime();
        if (offset >= 0 && (complete || now - arrivedNanos >= QUIET.toNanos())) {
          complete = true;
          return true;
        }
        if (offset < 0 && now >= deadline) {
          complete = true;
          return false;
        }
        wait(Math.max(1, Math.min(QUIET.toMillis() / 4, Math.max(0, deadline - now) / 1_000_000)));
      }
    }

    synchronized HistoryEntry entry(StreamMessages messages) {
      StreamMessages.Read read = messages.read(offset, timestamp, message);
      return read instanceof StreamMessages.Read.Entry entry ? entry.entry() : null;
    }
  }

  private static OffsetSpecification specification(HistoryStart start) {
    return switch (start.kind()) {
      case FIRST -> OffsetSpecification.first();
      case NEXT -> OffsetSpecification.next();
      case OFFSET -> OffsetSpecification.offset(start.offsetValue());
      case INSTANT -> OffsetSpecification.timestamp(start.instantValue().toEpochMilli());
    };
  }

  private IllegalStateException noHistory() {
    return new IllegalStateException("channel '" + channel + "' keeps no history (no stream " + stream + ")");
  }

  @Override
  public String toString() {
    return "StreamHistoryLog[" + stream + "]";
  }
}
