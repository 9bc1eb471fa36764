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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows the spores published on one channel to a {@link SporeObserver} ({@code reef tail}, the
 * dashboard): a private queue, bound to the channel's exchange, that receives a copy of each spore.
 *
 * <p>Why not one binding with {@code #}: the send of a directed spore detects an unknown destination
 * because its mandatory publish is unroutable (SPEC §3.6). A queue bound with {@code #} would route
 * every directed publish, so, while anyone watched, a spore to an agent nobody ever subscribed would
 * be "delivered" to the watcher and lost. So the queue is bound with {@code broadcast.#} and with
 * {@code agent.AGENT.#} only for agents known to have a queue on the channel: those the directory
 * has seen there (running now, or seen since this Reef started), asked again every {@link
 * #REBIND_INTERVAL}. Bindings are never removed while the observation lasts: an agent that stopped
 * still has its queue, and spores sent to it still wait there.
 *
 * <p>What it therefore misses (best-effort, as {@link SporeObserver} says): spores to agents whose
 * processes stopped before this connection heard of them, or that do not announce themselves
 * (Praval); spores sent to an agent in the first moments after it appears, until the next check;
 * replies, which travel to the requester's reply queue, not through the channel; retries, which go
 * straight back to the agent's queue; and, when the observer falls more than {@link #MAX_BACKLOG}
 * spores behind, the oldest of them (the queue drops its head rather than hold the broker's memory;
 * a warning is logged when that begins).
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
  /** How often the agents known on the channel are checked for new ones to bind. */
  static final Duration REBIND_INTERVAL = Duration.ofMillis(250);
  /** Unacknowledged copies in flight to this client: a slow observer never floods the connection. */
  private static final int PREFETCH = 256;

  private final String channelName;
  private final String exchange;
  private final String queue;
  private final SporeCodec codec;
  private final SporeObserver observer;
  private final Supplier<Set<String>> knownAgents;
  private final BooleanSupplier exchangeExists;
  private final Connection connection;
  private final Channel consuming;
  private final Channel binding; // used by the watcher thread only (and by close)
  private final ScheduledExecutorService watcher;
  private final Set<String> boundAgents = ConcurrentHashMap.newKeySet();
  private final AtomicLong undecodable = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ShutdownListener connectionClosed;
  private boolean lagging; // used by the watcher thread only
  private volatile boolean bound; // bound for broadcasts: the channel's exchange exists

  private ChannelObserver(Connection connection, Channel consuming, Channel binding, String queue, String exchange,
      String channelName, SporeCodec codec, SporeObserver observer, Supplier<Set<String>> knownAgents,
      BooleanSupplier exchangeExists) {
    this.connection = connection;
    this.consuming = consuming;
    this.binding = binding;
    this.queue = queue;
    this.exchange = exchange;
    this.channelName = channelName;
    this.codec = codec;
    this.observer = observer;
    this.knownAgents = knownAgents;
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
   * Declares the observer's queue on {@code connection}, binds it for broadcasts and for the agents
   * {@code knownAgents} names on {@code channelName}, and starts consuming.
   *
   * <p>Observing declares nothing durable: while the channel's exchange does not exist (nobody ever
   * subscribed on the channel, so nothing is sent there either), the observer waits, and binds once
   * it exists.
   *
   * @param exchange the channel's exchange
   * @param knownAgents the agent names known to have a queue on the channel, asked again and again
   * @param exchangeExists whether the exchange exists now (declaring nothing)
   */
  static ChannelObserver start(Connection connection, BrokerNames names, String exchange, String channelName,
      SporeCodec codec, SporeObserver observer, Supplier<Set<String>> knownAgents, BooleanSupplier exchangeExists)
      throws IOException {
    Channel binding = connection.createChannel();
    Channel consuming = binding == null ? null : connection.createChannel();
    if (consuming == null) {
      Quietly.close(binding, "an observer channel");
      throw new IOException("the broker has no channel left for this connection");
    }
    String queue = names.observerQueue(UUID.randomUUID());
    ChannelObserver observation = new ChannelObserver(connection, consuming, binding, queue, exchange, channelName,
        codec, observer, knownAgents, exchangeExists);
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
    long interval = REBIND_INTERVAL.toMillis();
    observation.watcher.scheduleWithFixedDelay(observation::watch, interval, interval, TimeUnit.MILLISECONDS);
    return observation;
  }

  /** The observer's private queue (for tests). */
  String queue() {
    return queue;
  }

  /** The agents whose directed spores this observation sees (for tests and tools). */
  Set<String> boundAgents() {
    return Set.copyOf(boundAgents);
  }

  private void watch() {
    try {
      bind();
      checkBacklog();
    } catch (IOException | RuntimeException e) {
      // The connection may be recovering; the next check binds what is still missing.
      LOG.debug("observer of '{}' could not bind new agents yet: {}", channelName, e.toString());
    }
  }

  /** Binds for broadcasts once the exchange exists, then for the agents not bound yet. */
  private void bind() throws IOException {
    if (!bound) {
      if (!exchangeExists.getAsBoolean()) {
        return;
      }
      binding.queueBind(queue, exchange, "broadcast.#");
      bound = true;
    }
    bindNewAgents();
  }

  private void bindNewAgents() throws IOException {
    for (String agent : knownAgents.get()) {
      if (!boundAgents.contains(agent) && !closed.get()) {
        binding.queueBind(queue, exchange, "agent." + agent + ".#");
        boundAgents.add(agent);
        LOG.debug("observer of '{}' now sees the spores sent to agent '{}'", channelName, agent);
      }
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
