package dev.reef.amqp;

import dev.reef.Observation;
import dev.reef.ReefClosedException;
import dev.reef.ReefException;
import dev.reef.SporeObserver;
import dev.reef.UnknownDestinationException;
import dev.reef.spi.ConsumerHandle;
import dev.reef.spi.ConsumerSpec;
import dev.reef.spi.DeadLetterStore;
import dev.reef.spi.DeliveryHandler;
import dev.reef.spi.Outbound;
import dev.reef.spi.PresenceLink;
import dev.reef.spi.PresenceListener;
import dev.reef.spi.ReefBackend;
import dev.reef.spi.ReplyEndpoint;
import dev.reef.spi.ReplyHandler;
import dev.reef.spore.JsonMapping;
import dev.reef.spore.Names;
import dev.reef.spore.Spore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RabbitMQ backend (SPEC §4, §5): spores as AMQP messages in an exchange per channel and a
 * durable queue per channel and agent name, shared by the agent's instances in every process.
 *
 * <pre>{@code
 * try (Reef reef = Reef.builder().uri("amqp://guest:guest@localhost:5672/").build()) { ... }
 * // or, with settings of the AmqpOption table:
 * AmqpBackend backend = AmqpBackend.builder()
 *     .uri("amqps://agent:secret@rabbit-1:5671/prod")
 *     .set(AmqpOption.ADDRESSES, List.of("rabbit-1:5671", "rabbit-2:5671", "rabbit-3:5671"))
 *     .set(AmqpOption.CA_CERTIFICATES, Path.of("/etc/reef/ca.pem"))
 *     .set(AmqpOption.QUEUE_TYPE, QueueType.QUORUM)
 *     .namespace("reef")
 *     .build();
 * try (Reef reef = Reef.builder().backend(backend).build()) { ... }
 * }</pre>
 *
 * <p>The URI's path names the virtual host; a URI ending in {@code /}, or with no path, means the
 * default virtual host {@code /}. Its query takes the settings of {@link AmqpOption}.
 *
 * <p>Connections recover automatically (channels, topology, consumers); publishes the broker had not
 * confirmed are sent again after a recovery, and receivers suppress the duplicates. A reply whose
 * requester is reconnecting waits for its reply queue to come back, up to {@link
 * AmqpOption#REPLY_WAIT}. A send never
 * keeps its caller longer than {@link AmqpOption#SEND_WAIT}. Every spore published carries the
 * connection's user as the AMQP {@code user_id} property, which RabbitMQ checks against the login;
 * receivers see it as {@link dev.reef.HandlerContext#verifiedUserId()}.
 *
 * <p>Thread-safe. Passwords never appear in logs or exception messages.
 */
public final class AmqpBackend implements ReefBackend {
  private static final Logger LOG = LoggerFactory.getLogger(AmqpBackend.class);

  /** The longest an observer's check for its channel's exchange waits for the broker. */
  private static final java.time.Duration REBIND_CHECK = java.time.Duration.ofSeconds(5);

  private final BackendParts parts;
  private final Set<AgentConsumer> consumers = ConcurrentHashMap.newKeySet();
  private final Set<Endpoint> endpoints = ConcurrentHashMap.newKeySet(); // reply queues, observers, presence links
  private final AtomicBoolean closed = new AtomicBoolean();
  private final HistoryStreams history;
  private final SiteMirrors mirrors;

  private AmqpBackend(BackendParts parts) {
    this.parts = parts;
    this.mirrors = new SiteMirrors(parts.topology(), parts.presenceSending());
    this.history = new HistoryStreams(parts.options(), parts.publishing(), parts.topology(), parts.codec(),
        parts.sender());
  }

  /** A builder; with nothing set it connects to {@code amqp://localhost} in namespace {@code reef}. */
  public static AmqpBackendBuilder builder() {
    return new AmqpBackendBuilder();
  }

  /**
   * Connects as {@code options} say.
   *
   * @throws ReefException when the broker cannot be reached or refuses the connection, naming why
   */
  public static AmqpBackend connect(AmqpOptions options) {
    return connect(options, JsonMapping.defaults(), Metrics.globalRegistry);
  }

  /**
   * Connects, reading knowledge with {@code json} (the Reef's mapping) and registering the backend's
   * own meters in {@code meters} (made with {@link #builder()}: Micrometer's global registry).
   */
  static AmqpBackend connect(AmqpOptions options, JsonMapping json, MeterRegistry meters) {
    Objects.requireNonNull(options, "options");
    AmqpBackend backend = new AmqpBackend(BackendParts.open(options, json, meters));
    LOG.info("connected to {} in namespace '{}' ({} queues)", backend.parts.connector().describe(),
        options.namespace(), options.get(AmqpOption.QUEUE_TYPE));
    return backend;
  }

  /** The settings this backend was made with. */
  public AmqpOptions options() {
    return parts.options();
  }

  @Override
  public String namespace() {
    return parts.names().namespace();
  }

  @Override
  public CompletableFuture<Void> publish(Outbound message) {
    Objects.requireNonNull(message, "message");
    ensureOpen();
    return parts.sender().publish(message);
  }

  @Override
  public ConsumerHandle consume(ConsumerSpec spec, DeliveryHandler handler) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(handler, "handler");
    ensureOpen();
    String queue = parts.topology().agentQueue(spec.channel(), spec.agentName());
    try {
      String pinned = parts.names().sitesOn() ? parts.names().pinnedQueue(spec.channel(), spec.agentName()) : null;
      AgentConsumer consumer = AgentConsumer.start(parts.consumers(), consumers::remove, parts.consuming(), spec, queue,
          parts.names().expiredQueue(spec.channel(), spec.agentName()), pinned, handler);
      consumers.add(consumer);
      return consumer;
    } catch (IOException | RuntimeException e) {
      throw new ReefException("could not consume queue " + queue + " for agent '" + spec.agentName() + "': "
          + BrokerReason.of(e), e);
    }
  }

  @Override
  public ReplyEndpoint openReplyEndpoint(ReplyHandler handler) {
    Objects.requireNonNull(handler, "handler");
    ensureOpen();
    try {
      return kept(ReplyQueue.open(parts.consuming(), parts.names(), parts.codec(), parts.deadLetters(), handler));
    } catch (IOException | RuntimeException e) {
      throw new ReefException("could not open a reply queue: " + BrokerReason.of(e), e);
    }
  }

  @Override
  public CompletableFuture<Void> sendReply(String replyAddress, Spore reply) {
    Objects.requireNonNull(reply, "reply");
    ensureOpen();
    return parts.sender().sendReply(replyAddress, reply);
  }

  /** {@inheritDoc} The reply goes to its address and, when the channel keeps history, to its stream as well. */
  @Override
  public CompletableFuture<Void> sendReply(String channel, String replyAddress, Spore reply) {
    Names.require("channel name", channel);
    CompletableFuture<Void> sent = sendReply(replyAddress, reply);
    return CompletableFuture.allOf(sent, history.appendReply(channel, reply)).thenCompose(ok -> sent);
  }

  /** {@inheritDoc} On AMQP, the stream {@code ns.CHANNEL.history} (see {@link HistoryStreams}). */
  @Override
  public dev.reef.spi.HistoryLog history(String channel) {
    Names.require("channel name", channel);
    ensureOpen();
    return history.log(channel);
  }

  /**
   * {@inheritDoc}
   *
   * <p>On AMQP the copy comes through a private queue bound to the channel's history exchange, which
   * carries broadcasts and the directed spores of agents that have a queue, so that sends to unknown
   * agents still fail while someone watches; see {@link ChannelObserver} for what an observer misses.
   */
  @Override
  public Observation observe(String channel, SporeObserver observer) {
    Names.require("channel name", channel);
    Objects.requireNonNull(observer, "observer");
    ensureOpen();
    String exchange = parts.names().historyExchange(channel);
    Topology topology = parts.topology();
    try {
      return kept(ChannelObserver.start(parts.consuming(), parts.names(), exchange, channel, parts.codec(), observer,
          () -> topology.exchangeExists(exchange, System.nanoTime() + REBIND_CHECK.toNanos())));
    } catch (IOException | RuntimeException e) {
      throw new ReefException("could not observe channel '" + channel + "': " + BrokerReason.of(e), e);
    }
  }

  @Override
  public PresenceLink openPresence(PresenceListener listener) {
    Objects.requireNonNull(listener, "listener");
    ensureOpen();
    try {
      return kept(AmqpPresence.open(parts.consuming(), parts.topology(), parts.presenceSender(), parts.presenceSending(),
          listener, mirrors::heard));
    } catch (IOException | RuntimeException e) {
      throw new ReefException("could not join the presence of namespace '" + namespace() + "': "
          + BrokerReason.of(e), e);
    }
  }

  @Override
  public DeadLetterStore deadLetters() {
    ensureOpen();
    return parts.deadLetters();
  }

  /** {@inheritDoc} A passive declare of the reply queue, within the RPC timeout: only this namespace's reply queues qualify. */
  @Override
  public boolean isReplyAddressOpen(String address) {
    ensureOpen();
    if (!parts.names().isReplyQueue(address)) {
      return false;
    }
    String site = Names.siteOf(address);
    if (site != null && !site.equals(parts.names().site())) {
      return false; // at another site: it cannot be asked from here
    }
    return parts.queues().exists(Names.agentOf(address));
  }

  /** {@inheritDoc} A passive declare of {@code ns.CHANNEL.AGENT}: its ready messages. */
  @Override
  public long backlog(String channel, String agent) {
    Names.require("channel name", channel);
    Names.require("agent name", agent);
    ensureOpen();
    return parts.queues().readyMessages(parts.names().agentQueue(channel, agent))
        .orElseThrow(() -> new UnknownDestinationException(channel, agent));
  }

  /**
   * {@inheritDoc}
   *
   * <p>AMQP 0-9-1 cannot list queues: this asks RabbitMQ's management HTTP API ({@link
   * AmqpOption#MANAGEMENT_URI}) for the queues and exchanges whose names start with {@code ns.}.
   *
   * @throws ReefException naming {@link AmqpOption#MANAGEMENT_URI} when the API cannot be reached
   */
  @Override
  public List<String> namespaceObjects() {
    ensureOpen();
    ManagementApi api = parts.management();
    List<String> objects = new ArrayList<>(api.queues(parts.names().prefix()));
    objects.addAll(api.exchanges(parts.names().prefix()));
    Collections.sort(objects);
    return objects;
  }

  /**
   * {@inheritDoc} The objects are found as {@link #namespaceObjects()} finds them and deleted over
   * AMQP. Reply and presence queues of other live connections are exclusive to them: they are not
   * counted, and go with their connections.
   */
  @Override
  public int deleteNamespace() {
    ensureOpen();
    ManagementApi api = parts.management();
    List<String> queues = api.queues(parts.names().prefix());
    List<String> exchanges = api.exchanges(parts.names().prefix());
    int deleted = parts.queues().delete(queues, exchanges);
    parts.topology().forget(); // what this connection declared is gone: the next use declares it again
    LOG.info("deleted {} broker objects of namespace '{}'", deleted, namespace());
    return deleted;
  }

  /** {@inheritDoc} The {@link AmqpOption#SITE} option. */
  @Override
  public String site() {
    return parts.names().site();
  }

  @Override
  public String messagingSystem() {
    return "rabbitmq";
  }

  @Override
  public boolean isConnected() {
    return !closed.get() && parts.publishing().isOpen() && parts.consuming().isOpen();
  }

  /**
   * {@inheritDoc} Zero once closed: a closed connection has no consumers.
   *
   * @throws ReefException when the broker cannot tell (unreachable, or no answer in time)
   */
  @Override
  public long queuedForLocalConsumers() {
    if (closed.get()) {
      return 0;
    }
    Set<String> queues = new LinkedHashSet<>();
    for (AgentConsumer consumer : consumers) {
      queues.add(consumer.queue());
      queues.add(consumer.expiredQueue());
      if (parts.names().sitesOn()) {
        queues.add(parts.names().pinnedQueue(consumer.spec().channel(), consumer.spec().agentName()));
      }
    }
    long total = parts.retries().pending();
    for (String queue : queues) {
      total += parts.queues().messageCount(queue);
    }
    return total;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List.copyOf(consumers).forEach(AgentConsumer::close);
    List.copyOf(endpoints).forEach(Endpoint::close);
    history.close();
    parts.close();
    LOG.info("disconnected from {} (namespace '{}')", parts.options().maskedUri(), namespace());
  }

  /** What this backend declared on the broker: tests and tools delete it afterwards. */
  Topology.Declared declared() {
    return parts.topology().declared();
  }

  private <T extends Endpoint> T kept(T endpoint) {
    endpoints.removeIf(Endpoint::isClosed);
    endpoints.add(endpoint);
    if (closed.get()) { // closed meanwhile: close() may have missed it
      endpoint.close();
      throw closedException();
    }
    return endpoint;
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw closedException();
    }
  }

  private ReefClosedException closedException() {
    return new ReefClosedException("the AMQP backend for " + parts.options().maskedUri() + " is closed");
  }

  @Override
  public String toString() {
    return "AmqpBackend[" + parts.options().maskedUri() + ", namespace " + namespace() + "]";
  }
}
