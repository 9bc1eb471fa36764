package dev.reef.spi;

import dev.reef.DeadLetters;
import dev.reef.spore.Spore;
import java.util.concurrent.CompletableFuture;

/**
 * A transport for spores. One instance is one connection to a broker (or to an in-memory broker);
 * several {@link dev.reef.Reef} instances on one broker behave as several JVMs on one RabbitMQ.
 *
 * <p>Implementations are thread-safe. Callbacks ({@link DeliveryHandler}, {@link ReplyHandler}) run
 * on backend threads and must not block; Reef hands work to worker pools from them.
 */
public interface ReefBackend extends AutoCloseable {

  /**
   * Routes a spore: to the queue of {@link Outbound#targetAgent()} on the channel, or to the queue of
   * every agent name on the channel when it is null.
   *
   * <p>The future completes when the backend has taken responsibility (AMQP: publisher confirm). It
   * fails with {@link dev.reef.UnknownDestinationException} when the target agent has never
   * subscribed on the channel, with {@link dev.reef.QueueFullException} when its queue is full, and
   * with {@link dev.reef.ReefException} when the spore could not be taken for any other reason.
   */
  CompletableFuture<Void> publish(Outbound message);

  /**
   * Starts one consuming instance of an agent on a channel, creating the agent's queue on the
   * channel when it does not exist yet. From then on, spores for the agent name wait in that queue
   * while no instance runs (offline buffering).
   *
   * <p>Deliveries arrive in queue order (priority first) at {@code handler}; at most {@link
   * ConsumerSpec#prefetch()} of them are unsettled at once.
   */
  ConsumerHandle consume(ConsumerSpec spec, DeliveryHandler handler);

  /**
   * Opens this connection's private reply address. Replies sent to it with {@link #sendReply} arrive
   * at {@code handler}; they bypass every agent queue.
   */
  ReplyEndpoint openReplyEndpoint(ReplyHandler handler);

  /**
   * Sends a response to a reply address taken from a request's {@link Delivery#replyAddress()}. The
   * future fails with {@link dev.reef.UnknownDestinationException} when the address no longer exists.
   */
  CompletableFuture<Void> sendReply(String replyAddress, Spore reply);

  /**
   * Shows every spore published on {@code channel} from now on to {@code observer}, as a copy: the
   * agents' queues are untouched (AMQP: a private queue bound to the channel exchange with {@code #}).
   */
  Observation observe(String channel, dev.reef.SporeObserver observer);

  /**
   * True while the connection to the broker is up (false while it recovers, and once closed). Used
   * for readiness.
   */
  boolean isConnected();

  /** The dead letters of this backend's namespace. */
  DeadLetters deadLetters();

  /** Who is running now, for scatter-gather. */
  Directory directory();

  /**
   * How many spores are waiting for the consumers opened through this connection, including those
   * waiting out a retry delay. Used by {@link dev.reef.Reef#awaitQuiescence}.
   */
  long queuedForLocalConsumers();

  /** Closes the connection; consumers still open release their unsettled deliveries. */
  @Override
  void close();
}
