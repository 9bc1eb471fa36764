package dev.reef.inmemory;

import dev.reef.UnknownDestinationException;
import dev.reef.spi.PresenceLink;
import dev.reef.spi.PresenceListener;
import dev.reef.spi.PresenceMessage;
import dev.reef.spi.Outbound;
import dev.reef.spore.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The broker objects of one namespace: its exchanges (one per channel), its dead letters, and its
 * presence: what one connection announces, every other one hears.
 */
final class Namespace {
  private final InMemoryBroker broker;
  private final String name;
  private final Map<String, Exchange> exchanges = new ConcurrentHashMap<>();
  private final Map<String, ChannelLog> histories = new ConcurrentHashMap<>();
  private final DeadLetterStore deadLetters;
  private final Map<String, Set<ObserverFeed>> observers = new ConcurrentHashMap<>();
  private final Set<Presence> presences = ConcurrentHashMap.newKeySet();

  Namespace(InMemoryBroker broker, String name) {
    this.broker = broker;
    this.name = name;
    this.deadLetters = new DeadLetterStore(this);
  }

  InMemoryBroker broker() {
    return broker;
  }

  String name() {
    return name;
  }

  DeadLetterStore deadLetters() {
    return deadLetters;
  }

  AgentQueue declareQueue(String channel, String agentName) {
    return exchange(channel).declare(agentName);
  }

  private Exchange exchange(String channel) {
    return exchanges.computeIfAbsent(channel, c -> new Exchange(this, c, history(c)));
  }

  /** The history of {@code channel}, kept or not; made on first use. */
  ChannelLog history(String channel) {
    return histories.computeIfAbsent(channel, c -> new ChannelLog(c, java.time.Clock.systemUTC()));
  }

  /** Routes {@code outbound}, published by a connection of {@code userId} (null for none). */
  CompletableFuture<Void> publish(Outbound outbound, String userId) {
    Exchange exchange = exchanges.get(outbound.channel());
    if (exchange == null && history(outbound.channel()).isKept()) {
      exchange = exchange(outbound.channel()); // so that the spore is appended to the history
    }
    CompletableFuture<Void> routed;
    if (exchange != null) {
      routed = exchange.route(outbound, userId);
    } else {
      routed = outbound.targetAgent() == null
          ? CompletableFuture.completedFuture(null) // a broadcast nobody listens to, as on AMQP
          : CompletableFuture.failedFuture(
              new UnknownDestinationException(outbound.channel(), outbound.targetAgent()));
    }
    Set<ObserverFeed> feeds = observers.get(outbound.channel());
    if (feeds != null && !feeds.isEmpty() && !failedAsUnknown(routed)) {
      feeds.forEach(feed -> feed.offer(outbound.spore()));
    }
    return routed;
  }

  private static boolean failedAsUnknown(CompletableFuture<Void> routed) {
    return routed.isCompletedExceptionally()
        && routed.handle((ok, error) -> error instanceof UnknownDestinationException).join();
  }

  ObserverFeed observe(String channel, dev.reef.SporeObserver observer) {
    ObserverFeed feed = new ObserverFeed(this, channel, observer);
    observers.computeIfAbsent(channel, c -> ConcurrentHashMap.newKeySet()).add(feed);
    return feed;
  }

  void stopObserving(ObserverFeed feed) {
    Set<ObserverFeed> feeds = observers.get(feed.channel());
    if (feeds != null) {
      feeds.remove(feed);
    }
  }

  /** The agent queue of {@code agent} on {@code channel}, or null when it was never declared. */
  AgentQueue queue(String channel, String agent) {
    Exchange exchange = exchanges.get(channel);
    return exchange == null ? null : exchange.queue(agent);
  }

  /** Its objects, named as on RabbitMQ: an exchange per channel, a queue per channel and agent, the dead letters. */
  List<String> objects() {
    List<String> objects = new ArrayList<>();
    for (Map.Entry<String, Exchange> exchange : new TreeMap<>(exchanges).entrySet()) {
      objects.add(name + "." + exchange.getKey());
      for (AgentQueue queue : exchange.getValue().queues()) {
        objects.add(queue.name());
      }
      if (history(exchange.getKey()).isKept()) {
        objects.add(name + "." + exchange.getKey() + ".history");
      }
    }
    objects.add(name + ".dead");
    return objects;
  }

  /** How many messages wait in all queues, for the broker's closing report. */
  long queued() {
    long total = 0;
    for (Exchange exchange : exchanges.values()) {
      for (AgentQueue queue : exchange.queues()) {
        total += queue.ready();
      }
    }
    return total;
  }

  /** Joins the namespace's presence: {@code listener} hears what every other member sends. */
  Presence joinPresence(PresenceListener listener) {
    Presence presence = new Presence(listener);
    presences.add(presence);
    return presence;
  }

  /**
   * One connection's part in the namespace's presence. Messages reach the other members on the
   * broker's threads, each member's in send order, never on the sender's thread.
   */
  final class Presence implements PresenceLink {
    private final PresenceListener listener;
    private final SerialFeed<PresenceMessage> inbox;
    private volatile boolean closed;

    private Presence(PresenceListener listener) {
      this.listener = listener;
      this.inbox = new SerialFeed<>(broker, this::hear);
    }

    @Override
    public CompletableFuture<Void> send(PresenceMessage message) {
      Objects.requireNonNull(message, "message must not be null");
      if (!closed) {
        for (Presence member : presences) {
          if (member != this) {
            member.inbox.offer(message);
          }
        }
      }
      return CompletableFuture.completedFuture(null);
    }

    private void hear(PresenceMessage message) {
      if (!closed) {
        listener.onPresence(message);
      }
    }

    @Override
    public void close() {
      closed = true;
      presences.remove(this);
    }
  }

  @Override
  public String toString() {
    return "Namespace[" + name + "]";
  }
}
