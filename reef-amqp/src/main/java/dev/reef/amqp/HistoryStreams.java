package dev.reef.amqp;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.stream.Environment;
import com.rabbitmq.stream.NoOffsetException;
import dev.reef.HistoryRetention;
import dev.reef.ReefException;
import dev.reef.spore.Spore;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streams of the channels that keep history (SPEC §5): {@code ns.CHANNEL.history}, a RabbitMQ
 * stream bound to the channel's history exchange ({@link BrokerNames#historyExchange}), which every
 * channel has: the channel's exchange feeds it broadcasts and, per agent queue, that agent's directed
 * spores ({@code agent.A.*}, bound with the queue; never {@code #}: a directed spore to an agent that
 * has no queue stays unroutable, SPEC §3.6). Turning history on is one binding, and an agent queue
 * declared before, after or meanwhile is recorded alike, with no question to the broker per queue.
 * Replies bypass the channel, so the responder appends each to the stream itself.
 *
 * <p>A channel that keeps no history has no stream; the stream protocol connection is opened only
 * when history is first read.
 */
final class HistoryStreams implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HistoryStreams.class);
  private static final RateLimitedLog FAILURES = new RateLimitedLog(LOG, 10);
  /** How long a reply trusts what it last heard about a channel's history. */
  private static final Duration KEPT_TTL = Duration.ofSeconds(2);

  private record Kept(boolean kept, long checkedNanos) {}

  private final AmqpOptions options;
  private final Connection connection;
  private final Topology topology;
  private final SporeCodec codec;
  private final MessageSender sender;
  private final Map<String, Kept> kept = new ConcurrentHashMap<>();
  private final Map<String, StreamHistoryLog> logs = new ConcurrentHashMap<>();
  private final AtomicLong appendFailures = new AtomicLong();
  private final Object lock = new Object();
  private volatile boolean statisticsServed = true; // false once the broker said it has no stream statistics
  private Channel channel; // guarded by lock
  private Environment environment; // guarded by lock; opened on first read
  private boolean closed; // guarded by lock

  HistoryStreams(AmqpOptions options, Connection connection, Topology topology, SporeCodec codec,
      MessageSender sender) {
    this.options = options;
    this.connection = connection;
    this.topology = topology;
    this.codec = codec;
    this.sender = sender;
  }

  /** The history of {@code channel}, kept or not. */
  StreamHistoryLog log(String channelName) {
    return logs.computeIfAbsent(channelName, c -> new StreamHistoryLog(c, stream(c), this,
        new StreamMessages(codec)));
  }

  /** {@code ns.CHANNEL.history}. */
  String stream(String channelName) {
    return topology.names().historyStream(channelName);
  }

  /** Declares the channel's stream with {@code retention} and binds it to the channel's history exchange. */
  void keep(String channelName, HistoryRetention retention) {
    topology.channelExchange(channelName); // and its history exchange
    String history = topology.names().historyExchange(channelName);
    String stream = stream(channelName);
    Map<String, Object> arguments = new HashMap<>();
    arguments.put("x-queue-type", "stream");
    retention.maxAgeLimit().ifPresent(age -> arguments.put("x-max-age", Math.max(1, age.toSeconds()) + "s"));
    retention.maxBytesLimit().ifPresent(bytes -> arguments.put("x-max-length-bytes", bytes));
    arguments.put("x-stream-max-segment-size-bytes", (int) Math.min(Integer.MAX_VALUE, retention.segmentBytes()));
    admin("declare the history stream " + stream, ch -> {
      ch.queueDeclare(stream, true, false, false, arguments);
      ch.queueBind(stream, history, "");
      return null;
    });
    kept.put(channelName, new Kept(true, System.nanoTime()));
  }

  /** Asks the broker whether the channel's stream exists. */
  boolean isKept(String channelName) {
    boolean exists = messageCount(stream(channelName)) >= 0;
    kept.put(channelName, new Kept(exists, System.nanoTime()));
    return exists;
  }

  /**
   * Appends a reply sent on {@code channel} to its stream when the channel keeps history (as this
   * connection heard at most {@link #KEPT_TTL} ago). A failure is counted and logged: the reply itself
   * went out.
   */
  CompletableFuture<Void> appendReply(String channelName, Spore reply) {
    Kept known = kept.get(channelName);
    boolean keeps;
    try {
      keeps = known != null && System.nanoTime() - known.checkedNanos() < KEPT_TTL.toNanos() ? known.kept()
          : isKept(channelName);
    } catch (ReefException e) {
      if (known == null) {
        return failed(reply, e);
      }
      keeps = known.kept(); // the broker could not be asked just now (a lost connection): what it said last
    }
    if (!keeps) {
      return CompletableFuture.completedFuture(null);
    }
    SporeCodec.Encoded encoded = codec.encode(reply, null, 1, Instant.now());
    return sender.send(new OutgoingMessage("", stream(channelName), encoded.properties(), encoded.body(), null,
        "reply " + reply.id() + " to the history of channel '" + channelName + "'"))
        .exceptionallyCompose(error -> failed(reply, error));
  }

  private CompletableFuture<Void> failed(Spore reply, Throwable error) {
    long failures = appendFailures.incrementAndGet();
    FAILURES.warn("reply {} could not be appended to its channel's history ({} so far): {}", reply.id(), failures,
        error.toString());
    return CompletableFuture.completedFuture(null);
  }

  /** How many messages the stream holds (the broker's count); -1 when it does not exist. */
  long messageCount(String stream) {
    return admin("count the messages of " + stream, ch -> {
      try {
        return (long) ch.queueDeclarePassive(stream).getMessageCount();
      } catch (IOException e) {
        if (BrokerReason.of(e).startsWith("404")) {
          channel = null; // the broker closed it
          return -1L;
        }
        throw e;
      }
    });
  }

  /** The stream protocol environment, opened on first use. */
  Environment environment() {
    synchronized (lock) {
      if (closed) {
        throw new ReefException("the AMQP backend is closed: its history cannot be read");
      }
      if (environment == null) {
        environment = StreamEnvironments.open(options);
      }
      return environment;
    }
  }

  /**
   * Whether {@code stream} is empty, from the broker's stream statistics; empty when the broker has
   * none (RabbitMQ before 3.11) or they cannot be read now.
   */
  Optional<Boolean> emptyByStatistics(String stream) {
    if (!statisticsServed) {
      return Optional.empty();
    }
    try {
      environment().queryStreamStats(stream).firstOffset();
      return Optional.of(false);
    } catch (NoOffsetException e) {
      return Optional.of(true);
    } catch (UnsupportedOperationException e) {
      statisticsServed = false; // an older broker: asked once
      return Optional.empty();
    } catch (RuntimeException e) {
      LOG.debug("stream statistics of {}: {}", stream, e.toString());
      return Optional.empty();
    }
  }

  private interface AdminCall<T> {
    T run(Channel channel) throws IOException;
  }

  /** Runs a request on this class's own channel (a refused one closes it; it is reopened next time). */
  private <T> T admin(String what, AdminCall<T> call) {
    synchronized (lock) {
      try {
        if (channel == null || !channel.isOpen()) {
          channel = connection.createChannel();
          if (channel == null) {
            throw new IOException("the broker has no channel left for this connection");
          }
        }
        return call.run(channel);
      } catch (IOException | RuntimeException e) {
        channel = null;
        if (e instanceof ReefException reef) {
          throw reef;
        }
        String reason = BrokerReason.of(e);
        throw new ReefException("could not " + what + ": " + reason + (reason.contains("PRECONDITION_FAILED")
            ? " (the stream exists with another retention: a stream's retention is fixed when it is made)" : ""), e);
      }
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      if (environment != null) {
        try {
          environment.close();
        } catch (RuntimeException e) {
          LOG.debug("closing the stream environment: {}", e.toString());
        }
      }
      Quietly.close(channel, "the history channel");
    }
  }
}
