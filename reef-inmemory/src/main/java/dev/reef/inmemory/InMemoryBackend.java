package dev.reef.inmemory;

import dev.reef.Observation;
import dev.reef.ReefClosedException;
import dev.reef.UnknownDestinationException;
import dev.reef.SporeObserver;
import dev.reef.spi.ConsumerHandle;
import dev.reef.spi.ConsumerSpec;
import dev.reef.spi.DeadLetterStore;
import dev.reef.spi.DeliveryHandler;
import dev.reef.spi.HistoryLog;
import dev.reef.spi.Outbound;
import dev.reef.spi.PresenceLink;
import dev.reef.spi.PresenceListener;
import dev.reef.spi.ReefBackend;
import dev.reef.spi.ReplyEndpoint;
import dev.reef.spi.ReplyHandler;
import dev.reef.spore.Names;
import dev.reef.spore.Spore;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** One connection to an {@link InMemoryBroker}, in one namespace: what one JVM is to RabbitMQ. */
final class InMemoryBackend implements ReefBackend {
  private final InMemoryBroker broker;
  private final Namespace namespace;
  private final boolean ownsBroker;
  private final String user;
  private final Set<QueueConsumer> consumers = ConcurrentHashMap.newKeySet();
  private final Set<InMemoryReplyEndpoint> endpoints = ConcurrentHashMap.newKeySet();
  private final Set<ObserverFeed> observations = ConcurrentHashMap.newKeySet();
  private final Set<PresenceLink> presences = ConcurrentHashMap.newKeySet();
  private final AtomicLong pendingRetries = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();

  InMemoryBackend(InMemoryBroker broker, Namespace namespace, String user, boolean ownsBroker) {
    this.broker = broker;
    this.namespace = namespace;
    this.user = user;
    this.ownsBroker = ownsBroker;
  }

  @Override
  public String namespace() {
    return namespace.name();
  }

  @Override
  public CompletableFuture<Void> publish(Outbound message) {
    Objects.requireNonNull(message, "message must not be null");
    ensureOpen();
    return namespace.publish(message, user);
  }

  @Override
  public ConsumerHandle consume(ConsumerSpec spec, DeliveryHandler handler) {
    Objects.requireNonNull(spec, "spec must not be null");
    Objects.requireNonNull(handler, "handler must not be null");
    ensureOpen();
    AgentQueue queue = namespace.declareQueue(spec.channel(), spec.agentName());
    QueueConsumer consumer = new QueueConsumer(this, queue, spec, handler);
    consumers.add(consumer);
    queue.attach(consumer);
    if (closed.get()) { // closed meanwhile: close() may have missed it
      consumer.close();
      throw closedException();
    }
    return consumer;
  }

  @Override
  public ReplyEndpoint openReplyEndpoint(ReplyHandler handler) {
    Objects.requireNonNull(handler, "handler must not be null");
    ensureOpen();
    InMemoryReplyEndpoint endpoint = broker.openReplyEndpoint(this, handler);
    endpoints.add(endpoint);
    if (closed.get()) {
      endpoint.close();
      throw closedException();
    }
    return endpoint;
  }

  @Override
  public CompletableFuture<Void> sendReply(String replyAddress, Spore reply) {
    Objects.requireNonNull(replyAddress, "replyAddress must not be null");
    Objects.requireNonNull(reply, "reply must not be null");
    ensureOpen();
    return broker.sendReply(replyAddress, reply, user);
  }

  /** {@inheritDoc} The reply is appended to the channel's history when the channel keeps one. */
  @Override
  public CompletableFuture<Void> sendReply(String channel, String replyAddress, Spore reply) {
    Names.require("channel name", channel);
    CompletableFuture<Void> sent = sendReply(replyAddress, reply);
    ChannelLog log = namespace.history(channel);
    if (log.isKept() && !sent.isCompletedExceptionally()) {
      log.append(reply);
    }
    return sent;
  }

  @Override
  public HistoryLog history(String channel) {
    Names.require("channel name", channel);
    ensureOpen();
    return namespace.history(channel);
  }

  @Override
  public Observation observe(String channel, SporeObserver observer) {
    Names.require("channel name", channel);
    Objects.requireNonNull(observer, "observer must not be null");
    ensureOpen();
    ObserverFeed feed = namespace.observe(channel, observer);
    observations.add(feed);
    return feed;
  }

  @Override
  public boolean isConnected() {
    return !closed.get() && !broker.isClosed();
  }

  @Override
  public PresenceLink openPresence(PresenceListener listener) {
    Objects.requireNonNull(listener, "listener must not be null");
    ensureOpen();
    PresenceLink link = namespace.joinPresence(listener);
    presences.add(link);
    return link;
  }

  @Override
  public DeadLetterStore deadLetters() {
    ensureOpen();
    return namespace.deadLetters();
  }

  @Override
  public boolean isReplyAddressOpen(String address) {
    Objects.requireNonNull(address, "address must not be null");
    return broker.isReplyAddressOpen(address);
  }

  @Override
  public long backlog(String channel, String agent) {
    ensureOpen();
    AgentQueue queue = namespace.queue(channel, agent);
    if (queue == null) {
      throw new UnknownDestinationException(channel, agent);
    }
    return queue.ready();
  }

  @Override
  public List<String> namespaceObjects() {
    ensureOpen();
    return namespace.objects();
  }

  @Override
  public int deleteNamespace() {
    ensureOpen();
    return broker.dropNamespace(namespace.name());
  }

  /** {@inheritDoc} Zero once closed: a closed connection has no consumers. */
  @Override
  public long queuedForLocalConsumers() {
    if (closed.get()) {
      return 0;
    }
    Set<AgentQueue> queues = new HashSet<>();
    for (QueueConsumer consumer : consumers) {
      queues.add(consumer.queue());
    }
    long total = pendingRetries.get();
    for (AgentQueue queue : queues) {
      total += queue.ready();
    }
    return total;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (QueueConsumer consumer : List.copyOf(consumers)) {
      consumer.close();
    }
    for (InMemoryReplyEndpoint endpoint : List.copyOf(endpoints)) {
      endpoint.close();
    }
    observations.forEach(ObserverFeed::close);
    presences.forEach(PresenceLink::close);
    broker.disconnected(this);
    if (ownsBroker) {
      broker.close();
    }
  }

  void retryScheduled() {
    pendingRetries.incrementAndGet();
  }

  void retryFired() {
    pendingRetries.decrementAndGet();
  }

  void forget(QueueConsumer consumer) {
    consumers.remove(consumer);
  }

  void forget(InMemoryReplyEndpoint endpoint) {
    endpoints.remove(endpoint);
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw closedException();
    }
  }

  private ReefClosedException closedException() {
    return new ReefClosedException("this in-memory backend connection (namespace '" + namespace.name()
        + "') is closed" + (broker.isClosed() ? ", and so is its broker" : ""));
  }

  @Override
  public String toString() {
    return "InMemoryBackend[" + broker + ", namespace " + namespace.name() + "]";
  }
}
