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
 * some link is bound to it, so that presence, listening included, leaves nothing durable behind. Every message expires three of its sender's heartbeats after it was sent: a
 * listener that falls behind skips what newer announcements replace anyway. A link never hears its
 * own messages (those whose {@code connection} is a Reef id it sent with). A message that cannot be
 * read is dropped, counted, and logged at a bounded rate.
 */
final class AmqpPresence implements PresenceLink, Endpoint {
  private static final Logger LOG = LoggerFactory.getLogger(AmqpPresence.class);
  private static final RateLimitedLog DROPPED = new RateLimitedLog(LOG, 6);
  static final int HEARTBEATS_TO_LIVE = 3;

  private final String exchange;
  private final String queue;
  private final Channel channel;
  private final MessageSender sender;
  private final Executor sending;
  private final PresenceListener listener;
  private final String localSite;
  private final java.util.function.Consumer<PresenceMessage> remoteInstances;
  private final Set<String> ownIds = ConcurrentHashMap.newKeySet();
  private final AtomicLong malformed = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();

  private AmqpPresence(String exchange, String queue, Channel channel, MessageSender sender, Executor sending,
      PresenceListener listener, String localSite, java.util.function.Consumer<PresenceMessage> remoteInstances) {
    this.localSite = localSite;
    this.remoteInstances = remoteInstances;
    this.exchange = exchange;
    this.queue = queue;
    this.channel = channel;
    this.sender = sender;
    this.sending = sending;
    this.listener = listener;
  }

  /**
   * Declares this link's queue on {@code connection}, binds it to the presence exchange and starts
   * listening.
   *
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
    String exchange = topology.presenceExchange();
    String queue = topology.names().presenceQueue(UUID.randomUUID().toString());
    Channel channel = connection.createChannel();
    if (channel == null) {
      throw new IOException("the broker has no channel left for this connection");
    }
    AmqpPresence link = new AmqpPresence(exchange, queue, channel, sender, sending, listener, topology.names().site(),
        remoteInstances);
    try {
      channel.queueDeclare(queue, false, true, true, null);
      channel.queueBind(queue, exchange, "");
      channel.basicConsume(queue, true, "reef-presence", new DefaultConsumer(channel) {
        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
          link.received(properties.getAppId(), body);
        }
      });
    } catch (IOException | RuntimeException e) {
      Quietly.close(channel, "the presence channel");
      throw e;
    }
    return link;
  }

  @Override
  public CompletableFuture<Void> send(PresenceMessage message) {
    Objects.requireNonNull(message, "message");
    ownIds.add(message.reefId()); // before it can come back
    String kind = message.kind().name().toLowerCase(Locale.ROOT);
    AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
        .messageId(UUID.randomUUID().toString())
        .appId(message.reefId()) // so that this Reef's own messages are dropped unread when they come back
        .type("reef.presence." + kind)
        .contentType(SporeCodec.CONTENT_TYPE)
        .deliveryMode(1)
        .expiration(Long.toString(message.heartbeat().toMillis() * HEARTBEATS_TO_LIVE))
        .build();
    OutgoingMessage outgoing = new OutgoingMessage(exchange, "", properties, PresenceFormat.encode(message), null,
        "presence " + kind);
    CompletableFuture<Void> sent = new CompletableFuture<>();
    try {
      sending.execute(() -> sender.send(outgoing).whenComplete((ok, error) -> {
        if (error == null) {
          sent.complete(null);
        } else {
          sent.completeExceptionally(error);
        }
      }));
    } catch (RejectedExecutionException e) {
      sent.completeExceptionally(new dev.reef.ReefClosedException("the AMQP backend is closed; presence " + kind
          + " not sent"));
    }
    return sent;
  }

  private void received(String appId, byte[] body) {
    if (closed.get() || appId != null && ownIds.contains(appId)) {
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
