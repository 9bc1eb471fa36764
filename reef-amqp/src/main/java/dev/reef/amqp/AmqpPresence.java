package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.reef.spi.PresenceLink;
import dev.reef.spi.PresenceListener;
import dev.reef.spi.PresenceMessage;
import java.io.IOException;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's part in its namespace's presence (SPEC §5): {@link PresenceMessage}s as JSON
 * ({@link PresenceFormat}) on the fanout exchange {@code ns.presence}.
 *
 * <p>Each link listens on a queue of its own, {@code ns.presence.ID}, exclusive to its connection and
 * deleted with it. The exchange is transient too ({@link Topology#presenceExchange()}): it lives while
 * some link is bound to it, so that presence, listening included, leaves nothing durable behind. Every
 * message expires three of its sender's heartbeats after it was sent: a listener that falls behind
 * skips what newer announcements replace anyway. A link never hears its own messages (those whose
 * {@code connection} is a Reef id it sent with). A message that cannot be read is dropped, counted,
 * and logged at a bounded rate.
 *
 * <p><b>Joining again.</b> The broker deletes the exchange, and with it every binding, once no queue
 * is bound: when the node that held every link's queue stops, say, and the links come back on other
 * nodes. So a link declares the exchange again, and its queue, binding and consumer on a fresh
 * channel, before its next send once any of these says it may be cut off: a send of its failed, the
 * broker closed its channel or cancelled its consumer, or one of its own messages, which the exchange
 * hands back to its queue like everyone's, did not come back within the time that message lives. Sends go on a channel of their own ({@code sender}), so that a send to a deleted exchange
 * closes only that channel.
 */
final class AmqpPresence implements PresenceLink, Endpoint {
  private static final Logger LOG = LoggerFactory.getLogger(AmqpPresence.class);
  private static final RateLimitedLog DROPPED = new RateLimitedLog(LOG, 6);
  private static final RateLimitedLog REJOINS = new RateLimitedLog(LOG, 6);
  private static final String CONSUMER_TAG = "reef-presence-";
  private static final long NO_ECHO_DUE = Long.MIN_VALUE;
  static final int HEARTBEATS_TO_LIVE = 3;

  private final Connection connection;
  private final Topology topology;
  private final String exchange;
  private final String queue;
  private final MessageSender sender;
  private final Executor sending;
  private final PresenceListener listener;
  private final String localSite;
  private final java.util.function.Consumer<PresenceMessage> remoteInstances;
  private final Set<String> ownIds = ConcurrentHashMap.newKeySet();
  private final AtomicLong malformed = new AtomicLong();
  private final AtomicLong rejoins = new AtomicLong();
  private final AtomicLong channelsOpened = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Channel channel;
  private volatile boolean cutOff;
  /** When the echo of a sent message is due by ({@link System#nanoTime()}), or {@link #NO_ECHO_DUE}. */
  private volatile long echoDue = NO_ECHO_DUE;

  private AmqpPresence(Connection connection, Topology topology, String queue, MessageSender sender,
      Executor sending, PresenceListener listener, java.util.function.Consumer<PresenceMessage> remoteInstances) {
    this.connection = connection;
    this.topology = topology;
    this.exchange = topology.names().presenceExchange();
    this.queue = queue;
    this.sender = sender;
    this.sending = sending;
    this.listener = listener;
    this.localSite = topology.names().site();
    this.remoteInstances = remoteInstances;
  }

  /**
   * Declares this link's queue on {@code connection}, binds it to the presence exchange and starts
   * listening.
   *
   * @param sender sends on a channel that carries presence only
   * @param sending where sends are handed over, so that {@link #send} never blocks its caller
   */
  static AmqpPresence open(Connection connection, Topology topology, MessageSender sender, Executor sending,
      PresenceListener listener) throws IOException {
    return open(connection, topology, sender, sending, listener, message -> { });
  }

  /**
   * As {@link #open(Connection, Topology, MessageSender, Executor, PresenceListener)}; messages from
   * Reefs of other sites (docs/sites.md) are also given to {@code remoteInstances}, on the client's
   * thread: it must return at once.
   */
  static AmqpPresence open(Connection connection, Topology topology, MessageSender sender, Executor sending,
      PresenceListener listener, java.util.function.Consumer<PresenceMessage> remoteInstances) throws IOException {
    topology.presenceExchange();
    AmqpPresence link = new AmqpPresence(connection, topology,
        topology.names().presenceQueue(UUID.randomUUID().toString()), sender, sending, listener, remoteInstances);
    link.channel = link.listen();
    return link;
  }

  /**
   * Opens a channel that declares this link's queue, binds it and consumes from it. Each channel's
   * consumer has a tag of its own: the client forgets a consumer by its tag when its channel closes.
   */
  private Channel listen() throws IOException {
    Channel fresh = connection.createChannel();
    if (fresh == null) {
      throw new IOException("the broker has no channel left for this connection");
    }
    try {
      fresh.queueDeclare(queue, false, true, true, null);
      fresh.queueBind(queue, exchange, "");
      fresh.basicConsume(queue, true, CONSUMER_TAG + channelsOpened.incrementAndGet(), new DefaultConsumer(fresh) {
        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
          received(properties.getAppId(), body);
        }

        @Override
        public void handleCancel(String tag) {
          cutOff = true; // the broker cancelled it: the queue was deleted
        }
      });
      fresh.addShutdownListener(cause -> {
        if (!cause.isInitiatedByApplication()) {
          cutOff = true; // closed by the broker: its binding may have gone with the exchange
        }
      });
    } catch (IOException | RuntimeException e) {
      Quietly.close(fresh, "the presence channel");
      throw e;
    }
    return fresh;
  }

  @Override
  public CompletableFuture<Void> send(PresenceMessage message) {
    Objects.requireNonNull(message, "message");
    ownIds.add(message.reefId()); // before it can come back
    String kind = message.kind().name().toLowerCase(Locale.ROOT);
    long lifeMillis = message.heartbeat().toMillis() * HEARTBEATS_TO_LIVE;
    AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
        .messageId(UUID.randomUUID().toString())
        .appId(message.reefId()) // so that this Reef's own messages are dropped unread when they come back
        .type("reef.presence." + kind)
        .contentType(SporeCodec.CONTENT_TYPE)
        .deliveryMode(1)
        .expiration(Long.toString(lifeMillis))
        .build();
    OutgoingMessage outgoing = new OutgoingMessage(exchange, "", properties, PresenceFormat.encode(message), null,
        "presence " + kind);
    CompletableFuture<Void> sent = new CompletableFuture<>();
    try {
      sending.execute(() -> {
        joinAgainIfCutOff();
        if (echoDue == NO_ECHO_DUE) {
          echoDue = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(lifeMillis);
        }
        sender.send(outgoing).whenComplete((ok, error) -> {
          if (error == null) {
            sent.complete(null);
          } else {
            cutOff = true; // perhaps the exchange is gone: the next send declares it again first
            sent.completeExceptionally(error);
          }
        });
      });
    } catch (RejectedExecutionException e) {
      sent.completeExceptionally(new dev.reef.ReefClosedException("the AMQP backend is closed; presence " + kind
          + " not sent"));
    }
    return sent;
  }

  /** On the sending thread: declares the exchange, queue and binding again when this link may be cut off. */
  private void joinAgainIfCutOff() {
    Channel current = channel;
    long due = echoDue;
    boolean echoLate = due != NO_ECHO_DUE && System.nanoTime() - due > 0;
    if (closed.get() || !cutOff && !echoLate && current.isOpen() || !connection.isOpen()) {
      return; // (while the connection recovers, the client declares what it knew again; then we check)
    }
    cutOff = false;
    echoDue = NO_ECHO_DUE;
    try {
      topology.presenceExchangeAgain();
      // A fresh channel, whatever is wrong with the old one (closed, its consumer cancelled, its binding
      // gone); the old one is closed after, so that its queue, auto-deleted with its last consumer, stays.
      Channel fresh = listen();
      channel = fresh;
      Quietly.close(current, "the presence channel"); // also so that the next recovery does not open it again
      if (closed.get()) {
        Quietly.close(fresh, "the presence channel"); // closed meanwhile: close() may have missed it
      }
      long count = rejoins.incrementAndGet();
      LOG.info("joined the presence exchange {} again with queue {} ({} time(s))", exchange, queue, count);
    } catch (IOException | RuntimeException e) {
      cutOff = true;
      REJOINS.warn("could not join the presence exchange {} again: {}; the next send tries again", exchange,
          BrokerReason.of(e));
    }
  }

  private void received(String appId, byte[] body) {
    if (closed.get()) {
      return;
    }
    if (appId != null && ownIds.contains(appId)) {
      echoDue = NO_ECHO_DUE; // this link is bound: its own message came back
      return; // an announcement lists every instance of its Reef: one's own is not worth decoding
    }
    PresenceMessage message;
    try {
      message = PresenceFormat.decode(body);
    } catch (PresenceFormat.MalformedPresenceException e) {
      long count = malformed.incrementAndGet();
      DROPPED.warn("dropped a presence message on {} that could not be read ({} so far): {}", queue, count,
          e.getMessage());
      return;
    }
    if (ownIds.contains(message.reefId())) {
      return;
    }
    if (!message.site().isEmpty() && !message.site().equals(localSite)) {
      remoteInstances.accept(message); // from another site, through federation
    }
    try {
      listener.onPresence(message);
    } catch (RuntimeException e) {
      DROPPED.error("a presence listener failed on a message from {}", message.reefId(), e);
    }
  }

  /** Presence messages dropped because they could not be read. */
  long malformed() {
    return malformed.get();
  }

  /** How many times this link joined the exchange again. */
  long rejoins() {
    return rejoins.get();
  }

  /** The channel this link listens on now (for tests). */
  Channel listening() {
    return channel;
  }

  /** This link's queue (for tests). */
  String queue() {
    return queue;
  }

  @Override
  public boolean isClosed() {
    return closed.get();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      Quietly.close(channel, "the presence channel"); // exclusive and auto-delete: the queue goes with it
    }
  }

  @Override
  public String toString() {
    return "AmqpPresence[" + queue + "]";
  }
}
