package dev.reef.spi;

import dev.reef.Backend;
import dev.reef.Observation;
import dev.reef.SporeObserver;
import dev.reef.spore.Spore;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A transport for spores. One instance is one connection to a broker (or to an in-memory broker);
 * several Reefs on one broker behave as several JVMs on one RabbitMQ.
 *
 * <p>Division of labour: the backend moves spores (routing, queues per channel and agent name,
 * round-robin, priority, prefetch, offline buffering, unknown destinations, retry delays, dead
 * letters, reply addresses, presence messages). The engine does everything that must be the same on
 * every backend: validation, authorization, signing, expiry and duplicate checks, running handlers
 * on Vert.x worker pools, acknowledging after the handler, retry decisions, request correlation and
 * timeouts, the directory's states, metrics.
 *
 * <p>Implementations are thread-safe. Callbacks ({@link DeliveryHandler}, {@link ReplyHandler},
 * {@link PresenceListener}, observers) run on backend threads and must not block; the engine hands
 * work to worker pools from them.
 */
public interface ReefBackend extends Backend {

  /** The namespace prefixing every broker object of this connection. */
  String namespace();

  /**
   * The site this backend's broker is, when it is linked with other sites (AMQP federation, see
   * docs/sites.md); empty when the backend has no sites (the default). The directory lists this
   * Reef's instances at this site.
   */
  default String site() {
    return "";
  }

  /** The messaging system, as OpenTelemetry names it ({@code rabbitmq}); {@code reef} for Reef's own. */
  default String messagingSystem() {
    return "reef";
  }

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
   * Sends a reply made on {@code channel} to a reply address, as {@link #sendReply(String, Spore)}
   * does; a backend that keeps the channel's history appends the reply there too (replies bypass the
   * channel, SPEC §3.16). The default ignores the channel, for backends without history.
   */
  default CompletableFuture<Void> sendReply(String channel, String replyAddress, Spore reply) {
    return sendReply(replyAddress, reply);
  }

  /**
   * The history of {@code channel} (SPEC §3.16), kept or not: see {@link HistoryLog}. Cheap to call;
   * the default is a backend that keeps none.
   *
   * @throws UnsupportedOperationException when the backend cannot keep history
   */
  default HistoryLog history(String channel) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps no channel history");
  }

  /**
   * Shows every spore published on {@code channel} from now on to {@code observer}, as a copy: the
   * agents' queues are untouched. A directed spore to an agent that has no queue stays unroutable
   * while anyone observes (SPEC §3.6).
   */
  Observation observe(String channel, SporeObserver observer);

  /**
   * Joins the namespace's presence: {@code listener} hears every presence message other connections
   * send from now on (never this connection's own), and the returned link sends this connection's.
   */
  PresenceLink openPresence(PresenceListener listener);

  /** The dead letters of this backend's namespace. */
  DeadLetterStore deadLetters();

  /** True while a reply sent to {@code address} (a request's reply address) would reach a listener. */
  boolean isReplyAddressOpen(String address);

  /**
   * How many spores wait in the queue of {@code agent} on {@code channel}, not yet handed to an
   * instance (retries waiting out their delay not included).
   *
   * @throws dev.reef.UnknownDestinationException when the agent has no queue on the channel
   * @throws dev.reef.ReefException when the backend cannot tell
   */
  long backlog(String channel, String agent);

  /** The names of the broker objects (queues, exchanges, streams) this namespace holds. */
  List<String> namespaceObjects();

  /** Deletes every broker object of this namespace, messages included; returns how many there were. */
  int deleteNamespace();

  /**
   * True while the connection to the broker is up (false while it recovers, and once closed). Used
   * for readiness.
   */
  boolean isConnected();

  /**
   * How many spores are waiting for the consumers opened through this connection, including those
   * waiting out a retry delay. Used by {@code Reef.awaitQuiescence}.
   *
   * @throws dev.reef.ReefException when the backend cannot tell (e.g. the broker is unreachable)
   */
  long queuedForLocalConsumers();

  /** Closes the connection; consumers still open release their unsettled deliveries. */
  @Override
  void close();
}
