package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownListener;
import dev.reef.Observation;
import dev.reef.SporeObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows the spores published on one channel to a {@link SporeObserver} ({@code reef tail}, the
 * dashboard): a private queue, bound to the channel's history exchange ({@link
 * BrokerNames#historyExchange}), that receives a copy of each spore the channel's history would
 * record: every broadcast, and every directed spore to an agent that has a queue on the channel.
 *
 * <p>Why not a binding with {@code #} on the channel's exchange: the send of a directed spore detects
 * an unknown destination because its mandatory publish is unroutable (SPEC §3.6). A queue bound with
 * {@code #} would route every directed publish, so, while anyone watched, a spore to an agent nobody
 * ever subscribed would be "delivered" to the watcher and lost. The history exchange gets an agent's
 * directed spores only once the agent's queue is declared, so the observer sees them from then on,
 * whether the agent runs, stopped, or was never announced.
 *
 * <p>What it misses (best-effort, as {@link SporeObserver} says): spores to agents whose queues were
 * declared by something other than Reef (a Praval agent, or a Reef before the history exchange) until
 * a Reef subscribes the agent; replies, which travel to the requester's reply queue, not through the
 * channel; retries, which go straight back to the agent's queue; and, when the observer falls more
 * than {@link #MAX_BACKLOG} spores behind, the oldest of them (the queue drops its head rather than
 * hold the broker's memory; a warning is logged when that begins).
 *
 * <p>Observing declares nothing durable: while the history exchange does not exist (nobody ever used
 * the channel, so nothing is sent there either), the observer checks every {@link #CHECK_INTERVAL}
 * and binds once it exists.
 *
 * <p>The queue, {@code ns.reply.observer-ID}, is named under the namespace's reserved {@code reply}
 * prefix so that it can never be taken for an agent's queue; it is exclusive to this connection and
 * disappears with it.
 */
final class ChannelObserver implements Observation, Endpoint {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelObserver.class);
  private static final RateLimitedLog FAILURES = new RateLimitedLog(LOG, 10);
  /** The most spores waiting for a slow observer; older ones are dropped first. */
  static final int MAX_BACKLOG = 10_000;
  /** How often the observer looks for the history exchange (until it binds) and at its backlog. */
  static final Duration CHECK_INTERVAL = Duration.ofMillis(250);
  /** Unacknowledged copies in flight to this client: a slow observer never floods the connection. */
  private static final int PREFETCH = 256;

  private final String channelName;
  private final String exchange;
  private final String queue;
  private final SporeCodec codec;
  private final SporeObserver observer;
  private final BooleanSupplier exchangeExists;
  private final Connection connection;
  private final Channel consuming;
  private final Channel binding; // used by the watcher thread only (and by close)
  private final ScheduledExecutorService watcher;
  private final AtomicLong undecodable = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ShutdownListener connectionClosed;
  private boolean lagging; // used by the watcher thread only
  private volatile boolean bound; // the history exchange exists and the queue is bound to it

  private ChannelObserver(Connection connection, Channel consuming, Channel binding, String queue, String exchange,
      String channelName, SporeCodec codec, SporeObserver observer, BooleanSupplier exchangeExists) {
    this.connection = connection;
    this.consuming = consuming;
    this.binding = binding;
    this.queue = queue;
    this.exchange = exchange;
    this.channelName = channelName;
    this.codec = codec;
    this.observer = observer;
    this.exchangeExists = exchangeExists;
    this.watcher = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "reef-amqp-observer-" + channelName);
      thread.setDaemon(true);
      return thread;
    });
    // The backend closing its connection ends the observation; a lost connection is recovered instead.
    this.connectionClosed = cause -> {
      if (cause.isInitiatedByApplication()) {
        close();
      }
    };
  }

  /**
   * Declares the observer's queue on {@code connection}, binds it to the channel's history exchange
   * once that exists, and starts consuming.
   *
   * @param exchange the channel's history exchange
   * @param exchangeExists whether the history exchange exists now (declaring nothing)
   */
  static ChannelObserver start(Connection connection, BrokerNames names, String exchange, String channelName,
      SporeCodec codec, SporeObserver observer, BooleanSupplier exchangeExists) throws IOException {
    Channel binding = connection.createChannel();
    Channel consuming = binding == null ? null : connection.createChannel();
    if (consuming == null) {
      Quietly.close(binding, "an observer channel");
      throw new IOException("the broker has no channel left for this connection");
    }
    String queue = names.observerQueue(UUID.randomUUID());
    ChannelObserver observation = new ChannelObserver(connection, consuming, binding, queue, exchange, channelName,
        codec, observer, exchangeExists);
    try {
      binding.queueDeclare(queue, false, true, true, Map.of("x-max-length", MAX_BACKLOG, "x-overflow", "drop-head"));
      observation.bind();
      consuming.basicQos(PREFETCH);
      consuming.basicConsume(queue, false, "reef-observer-" + channelName, observation.new Receiver());
    } catch (IOException | RuntimeException e) {
      observation.close();
      throw e;
    }
    connection.addShutdownListener(observation.connectionClosed);
    long interval = CHECK_INTERVAL.toMillis();
    observation.watcher.scheduleWithFixedDelay(observation::watch, interval, interval, TimeUnit.MILLISECONDS);
    return observation;
  }

  /** The observer's private queue (for tests). */
  String queue() {
    return queue;
  }

  /** True once the queue is bound to the history exchange (for tests). */
  boolean isBound() {
    return bound;
  }

  private void watch() {
    try {
      bind();
      checkBacklog();
    } catch (IOException | RuntimeException e) {
      // The connection may be recovering; the next check binds if it could not.
      LOG.debug("observer of '{}' could not bind yet: {}", channelName, e.toString());
    }
  }

  /** Binds to the history exchange once it exists. */
  private void bind() throws IOException {
    if (!bound && !closed.get() && exchangeExists.getAsBoolean()) {
      binding.queueBind(queue, exchange, "");
      bound = true;
      LOG.debug("observer of '{}' is bound to {}", channelName, exchange);
    }
  }

  /**
   * Warns when the observer falls so far behind that the broker drops the oldest copies (it cannot
   * say how many), and once more when it has caught up.
   */
  private void checkBacklog() throws IOException {
    int backlog = binding.queueDeclarePassive(queue).getMessageCount();
    if (!lagging && backlog >= MAX_BACKLOG * 9 / 10) {
      lagging = true;
      LOG.warn("observer of '{}' is {} spores behind; beyond {} the broker drops the oldest copies it has not shown",
          channelName, backlog, MAX_BACKLOG);
    } else if (lagging && backlog < MAX_BACKLOG / 2) {
      lagging = false;
      LOG.info("observer of '{}' has caught up ({} spores behind)", channelName, backlog);
    }
  }

  /** Receives the copies on the client's consumer threads. */
  private final class Receiver extends DefaultConsumer {
    Receiver() {
      super(consuming);
    }

    @Override
    public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
      try {
        if (!closed.get()) {
          show(properties, body);
        }
      } finally {
        acknowledge(envelope.getDeliveryTag());
      }
    }
  }

  private void show(AMQP.BasicProperties properties, byte[] body) {
    SporeCodec.Decoded decoded;
    try {
      decoded = codec.decode(properties, body);
    } catch (RuntimeException e) {
      long skipped = undecodable.incrementAndGet();
      FAILURES.error("observer of '{}' could not read a copy (a bug in Reef); skipped ({} so far)", channelName, skipped,
          e);
      return;
    }
    if (decoded instanceof SporeCodec.Decoded.Valid valid) {
      try {
        observer.observe(channelName, valid.spore());
      } catch (RuntimeException e) {
        LOG.warn("an observer of channel '{}' failed on spore {}: {}", channelName, valid.spore().id(), e.toString());
      }
    } else {
      // The agents' consumers dead-letter such a message; the observer only skips its copy.
      long skipped = undecodable.incrementAndGet();
      LOG.debug("observer of '{}' skipped a message that is not a spore ({} so far): {}", channelName, skipped,
          ((SporeCodec.Decoded.Malformed) decoded).reason());
    }
  }

  private void acknowledge(long deliveryTag) {
    try {
      if (consuming.isOpen()) {
        consuming.basicAck(deliveryTag, false);
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("observer of '{}' could not acknowledge a copy (the channel is closing): {}", channelName,
          e.toString());
    }
  }

  @Override
  public boolean isClosed() {
    return closed.get();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    watcher.shutdownNow();
    connection.removeShutdownListener(connectionClosed);
    try {
      if (binding.isOpen()) {
        binding.queueDelete(queue);
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("observer of '{}' could not delete its queue {} (it goes with the connection): {}", channelName,
          queue, e.toString());
    }
    Quietly.close(consuming, "an observer channel");
    Quietly.close(binding, "an observer channel");
  }

  @Override
  public String toString() {
    return "ChannelObserver[" + channelName + " via " + queue + "]";
  }
}
