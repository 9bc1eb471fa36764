package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import dev.reef.spi.ConsumerHandle;
import dev.reef.spi.ConsumerSpec;
import dev.reef.spi.DeadLetterReason;
import dev.reef.spi.DeliveryHandler;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent instance consuming its agent queue on a channel of its own, with manual acks and a
 * prefetch of {@link ConsumerSpec#prefetch()}: the broker hands it at most that many unsettled
 * spores, and round-robins the rest among the agent's other instances.
 *
 * <p>Messages that are not spores go to the dead letters with the reason and are acked, so one bad
 * message never blocks the queue; the handler hears of them through {@link
 * DeliveryHandler#onUndecodable}. A message that fails for another reason (a bug in Reef) is logged
 * as an error and returns to the queue after a pause.
 */
final class AgentConsumer implements ConsumerHandle {
  private static final Logger LOG = LoggerFactory.getLogger(AgentConsumer.class);
  private static final RateLimitedLog BUGS = new RateLimitedLog(LOG, 10);
  /** How long a message that could not be handed on waits before it goes back to the queue. */
  private static final Duration REQUEUE_PAUSE = Duration.ofSeconds(1);
  /** How long closing waits for retries and dead letters on their way, before it requeues them. */
  private static final Duration MOVE_PATIENCE = Duration.ofSeconds(5);
  /** The longest an ack waits for a batch: short enough that a crash right after handling rarely repeats work. */
  private static final long ACK_DELAY_MICROS = 1_000;

  /**
   * What the consumers of one backend share.
   *
   * @param codec reads the messages
   * @param retries where a failed spore goes to wait for its next attempt
   * @param deadLetters where spores that failed for good, and messages that are not spores, go
   * @param timer runs the ack flushes and delayed requeues
   * @param quorum true when agent queues are quorum queues, which count deliveries themselves
   */
  record Shared(SporeCodec codec, RetrySender retries, DeadLetterWriter deadLetters, ScheduledExecutorService timer,
      boolean quorum) {}

  private final Shared shared;
  private final Consumer<AgentConsumer> onClosed;
  private final ConsumerSpec spec;
  private final String queue;
  private final String expiredQueue;
  private final DeliveryHandler handler;
  private final Channel channel;
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final MovesUnderWay moves = new MovesUnderWay();
  private final List<String> consumerTags = new CopyOnWriteArrayList<>();
  private final AckBatcher acks;
  private final AtomicBoolean flushScheduled = new AtomicBoolean();
  /** Spores sent again by this consumer whose original is not yet acked, by id: their copy waits for that. */
  private final Map<String, CompletableFuture<Void>> originalsUnacked = new ConcurrentHashMap<>();

  private AgentConsumer(Shared shared, Consumer<AgentConsumer> onClosed, Channel channel, ConsumerSpec spec,
      String queue, String expiredQueue, DeliveryHandler handler) {
    this.shared = shared;
    this.onClosed = onClosed;
    this.channel = channel;
    this.spec = spec;
    this.queue = queue;
    this.expiredQueue = expiredQueue;
    this.handler = handler;
    this.acks = new AckBatcher(AckBatcher.batchFor(spec.prefetch()), this::sendAck);
  }

  /**
   * Opens a channel on {@code connection} and consumes {@code queue}, {@code expiredQueue} (spores that
   * expired there, counted) and {@code pinnedQueue} unless null ({@code AGENT@SITE}, docs/sites.md).
   * {@code onClosed} is told once this consumer has closed.
   */
  static AgentConsumer start(Shared shared, Consumer<AgentConsumer> onClosed, Connection connection, ConsumerSpec spec,
      String queue, String expiredQueue, String pinnedQueue, DeliveryHandler handler) throws IOException {
    Channel channel = connection.createChannel();
    if (channel == null) {
      throw new IOException("the broker has no channel left for this connection");
    }
    AgentConsumer consumer = new AgentConsumer(shared, onClosed, channel, spec, queue, expiredQueue, handler);
    try {
      channel.basicQos(spec.prefetch()); // per consumer: the expired queue does not eat the prefetch
      String tag = "reef-" + spec.agentName() + "-" + spec.instanceId();
      consumer.consumerTags.add(channel.basicConsume(queue, false, tag, consumer.new Receiver(true)));
      consumer.consumerTags.add(channel.basicConsume(expiredQueue, false, tag + "-expired", consumer.new Receiver(false)));
      if (pinnedQueue != null) { // its own prefetch, as the expired queue's
        consumer.consumerTags.add(channel.basicConsume(pinnedQueue, false, tag + "-pinned", consumer.new Receiver(true)));
      }
    } catch (IOException | RuntimeException e) {
      Quietly.close(channel, "a consumer channel");
      throw e;
    }
    return consumer;
  }

  ConsumerSpec spec() {
    return spec;
  }

  String queue() {
    return queue;
  }

  String expiredQueue() {
    return expiredQueue;
  }

  boolean isClosed() {
    return closed.get();
  }

  /** Receives the broker's deliveries on the client's consumer threads. */
  private final class Receiver extends DefaultConsumer {
    private final boolean agentQueue; // false: the queue of spores that expired there, which are only counted

    Receiver(boolean agentQueue) {
      super(channel);
      this.agentQueue = agentQueue;
    }

    @Override
    public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
        byte[] body) {
      long tag = envelope.getDeliveryTag();
      acks.delivered(tag);
      try {
        SporeCodec.Decoded decoded = shared.codec().decode(properties, body);
        if (decoded instanceof SporeCodec.Decoded.Valid valid) {
          Republished republished = Republished.of(properties, shared.codec().userId());
          int attempt = republished.attempt(valid.attempt());
          if (agentQueue && !shared.quorum() && envelope.isRedeliver()) {
            sendAgain(tag, valid, republished, attempt, republished.deliveries(envelope, false) + 1);
            return;
          }
          int deliveries = agentQueue ? republished.deliveries(envelope, shared.quorum()) : 1;
          CompletableFuture<Void> original = originalsUnacked.get(valid.spore().id());
          if (original != null) {
            // The copy this consumer just sent: handled only once the original's ack is on the wire, or a
            // handler that kills the JVM would leave both in the queue, and each would go round on its own.
            original.whenComplete((done, error) -> handOver(tag, envelope, valid, republished, attempt, deliveries));
          } else {
            handOver(tag, envelope, valid, republished, attempt, deliveries);
          }
        } else {
          undecodable(tag, properties, body, ((SporeCodec.Decoded.Malformed) decoded).reason());
        }
      } catch (RuntimeException e) {
        failedBeforeHandler(tag, e);
      }
    }

    /**
     * A bug, not bad input: said loudly. It never reaches the client, which would close the channel and
     * stall the queue; the message goes back after a pause rather than round and round.
     */
    private void failedBeforeHandler(long tag, RuntimeException e) {
      BUGS.error("agent '{}' on '{}': delivery {} failed before reaching the handler (a bug in Reef); it goes"
          + " back to the queue in {} ms", spec.agentName(), spec.channel(), tag, REQUEUE_PAUSE.toMillis(), e);
      requeueLater(tag);
    }

    private void handOver(long tag, Envelope envelope, SporeCodec.Decoded.Valid valid, Republished republished,
        int attempt, int deliveries) {
      try {
        boolean redelivered = envelope.isRedeliver() || deliveries > 1; // a copy counted once more is one too
        handler.onDelivery(new AmqpDelivery(AgentConsumer.this, tag, redelivered, valid.spore(),
            new AmqpDelivery.Counts(attempt, deliveries), valid.replyAddress(), republished.publisher()));
      } catch (RuntimeException e) {
        failedBeforeHandler(tag, e);
      }
    }

    @Override
    public void handleCancel(String tag) {
      LOG.warn("the broker cancelled consumer {} of agent '{}' on '{}' (was queue {} deleted?); "
          + "this instance receives no more spores", tag, spec.agentName(), spec.channel(), queue);
    }

    @Override
    public void handleShutdownSignal(String tag, ShutdownSignalException signal) {
      // A lost connection is logged and recovered, channels with it; a channel error is never recovered.
      if (!signal.isInitiatedByApplication() && !signal.isHardError() && !closed.get()) {
        LOG.error("the broker closed the channel of consumer {} of agent '{}' on '{}' ({}); this instance receives"
            + " no more spores until its connection is recovered", tag, spec.agentName(), spec.channel(),
            BrokerReason.of(signal));
      }
    }
  }

  private void undecodable(long tag, AMQP.BasicProperties properties, byte[] body, String reason) {
    move(() -> shared.deadLetters().writeUndecodable(spec.channel(), spec.agentName(), properties, body, reason),
        error -> {
          if (error == null) {
            ack(tag);
            handler.onUndecodable(reason);
          } else {
            LOG.error("agent '{}' on '{}': could not dead-letter a message that is not a spore ({}): {}; "
                + "it goes back to the queue", spec.agentName(), spec.channel(), reason, error.toString());
            requeueLater(tag);
          }
        });
  }

  /**
   * Sends a copy of a delivery elsewhere, then settles the original with {@code settle}, given null
   * or why the copy failed. Once closing has begun nothing is sent: the original goes back to the
   * queue with the channel (see {@link MovesUnderWay}).
   */
  private void move(Supplier<CompletableFuture<Void>> sendCopy, Consumer<Throwable> settle) {
    if (!moves.start()) {
      LOG.debug("agent '{}' on '{}' is closing: a delivery goes back to the queue as it is", spec.agentName(),
          spec.channel());
      return;
    }
    CompletableFuture<Void> moved;
    try {
      moved = sendCopy.get();
    } catch (RuntimeException e) {
      moved = CompletableFuture.failedFuture(e);
    }
    moved.whenComplete((ok, error) -> {
      try {
        settle.accept(error);
      } finally {
        moves.ended();
      }
    });
  }

  /**
   * A classic queue redelivered a message (its last holder crashed, hung until its connection went,
   * or stopped without settling it): it goes back to the end of the queue counted once more, and is
   * handled when it comes round (see {@link Republished}).
   */
  private void sendAgain(long tag, SporeCodec.Decoded.Valid valid, Republished republished, int attempt,
      int deliveries) {
    String id = valid.spore().id();
    CompletableFuture<Void> originalAcked = new CompletableFuture<>();
    move(() -> {
      originalsUnacked.put(id, originalAcked);
      return shared.retries().sendAgain(spec.channel(), spec.agentName(), valid.spore(), valid.replyAddress(),
          republished.publisher(), attempt, deliveries);
    }, error -> {
      try {
        if (error == null) {
          ackNow(tag); // not batched: the copy may already be here, waiting for this ack
        } else {
          LOG.error("agent '{}' on '{}': could not count a redelivery of spore {} ({}); it goes back to the queue",
              spec.agentName(), spec.channel(), id, error.toString());
          requeueLater(tag);
        }
      } finally {
        originalsUnacked.remove(id, originalAcked);
        originalAcked.complete(null);
      }
    });
  }

  void retry(AmqpDelivery delivery, Duration delay, String error) {
    LOG.debug("agent '{}' retries spore {} in {} ms: {}", spec.agentName(), delivery.spore().id(), delay.toMillis(),
        error);
    ackOnceMoved(() -> shared.retries().sendBack(spec.channel(), spec.agentName(), delivery.spore(),
        delivery.replyAddress(), delivery.verifiedUserId().orElse(null), delivery.attempt() + 1, delay), delivery,
        "retry");
  }

  void deadLetter(AmqpDelivery delivery, DeadLetterReason reason) {
    ackOnceMoved(() -> shared.deadLetters().write(spec.channel(), delivery.spore(), delivery.replyAddress(),
        delivery.verifiedUserId().orElse(null), reason), delivery, "dead letter");
  }

  /** The original goes only once its copy is safely elsewhere; else it returns to the queue. */
  private void ackOnceMoved(Supplier<CompletableFuture<Void>> sendCopy, AmqpDelivery delivery, String what) {
    move(sendCopy, error -> {
      if (error == null) {
        ack(delivery.deliveryTag());
      } else {
        LOG.error("agent '{}' on '{}': could not send spore {} to its {} ({}); it goes back to the queue",
            spec.agentName(), spec.channel(), delivery.spore().id(), what, error.toString());
        requeue(delivery.deliveryTag());
      }
    });
  }

  /** Acks {@code deliveryTag}, at once or, while other deliveries are in hand, in a batch (see {@link AckBatcher}). */
  void ack(long deliveryTag) {
    if (!closed.get() && acks.acked(deliveryTag) && flushScheduled.compareAndSet(false, true)) {
      try {
        shared.timer().schedule(this::flushAcks, ACK_DELAY_MICROS, TimeUnit.MICROSECONDS);
      } catch (RejectedExecutionException e) {
        flushAcks(); // the backend is closing
      }
    }
  }

  /** Acks {@code deliveryTag} at once, with any acks waiting for a batch. */
  private void ackNow(long deliveryTag) {
    if (closed.get()) {
      return;
    }
    acks.acked(deliveryTag);
    acks.flush(true);
  }

  private void flushAcks() {
    flushScheduled.set(false); // first: an ack made waiting from now on schedules another flush
    acks.flush(true);
  }

  private void sendAck(long deliveryTag, boolean multiple) {
    if (closed.get()) {
      return;
    }
    try {
      channel.basicAck(deliveryTag, multiple);
    } catch (IOException | AlreadyClosedException e) {
      // The channel is gone, so the broker has requeued the message: it is delivered again.
      LOG.debug("could not ack delivery {} of agent '{}': {}", deliveryTag, spec.agentName(), e.toString());
    }
  }

  private void requeueLater(long deliveryTag) {
    try {
      shared.timer().schedule(() -> requeue(deliveryTag), REQUEUE_PAUSE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      requeue(deliveryTag); // the backend is closing
    }
  }

  void requeue(long deliveryTag) {
    acks.requeued(deliveryTag);
    if (closed.get()) {
      return;
    }
    try {
      channel.basicNack(deliveryTag, false, true);
    } catch (IOException | AlreadyClosedException e) {
      LOG.debug("could not requeue delivery {} of agent '{}': {}", deliveryTag, spec.agentName(), e.toString());
    }
  }

  @Override
  public void cancel() {
    if (!cancelled.compareAndSet(false, true)) {
      return;
    }
    for (String tag : consumerTags) {
      if (channel.isOpen()) {
        try {
          channel.basicCancel(tag);
        } catch (IOException | AlreadyClosedException e) {
          LOG.debug("cancelling consumer {}: {}", tag, e.toString());
        }
      }
    }
  }

  @Override
  public void close() {
    cancel();
    moves.close(MOVE_PATIENCE);
    acks.flush(true); // settled spores must not go back to the queue with the channel
    if (closed.compareAndSet(false, true)) {
      Quietly.close(channel, "a consumer channel"); // the broker requeues what this instance had not settled
      onClosed.accept(this);
    }
  }

  @Override
  public String toString() {
    return "AgentConsumer[" + spec.agentName() + "@" + spec.channel() + " " + spec.instanceId() + " on " + queue + "]";
  }
}
