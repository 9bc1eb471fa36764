package dev.reef.inmemory;

import dev.reef.UnknownDestinationException;
import dev.reef.spi.Directory;
import dev.reef.spi.Outbound;
import dev.reef.spore.Names;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The broker objects of one namespace: its exchanges (one per channel) and its dead letters. Also
 * answers who is consuming, which is the directory every connection of the namespace sees.
 */
final class Namespace implements Directory {
  private final InMemoryBroker broker;
  private final String name;
  private final Map<String, Exchange> exchanges = new ConcurrentHashMap<>();
  private final DeadLetterStore deadLetters;
  private final Map<String, Set<ObserverFeed>> observers = new ConcurrentHashMap<>();

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
    return exchanges.computeIfAbsent(channel, c -> new Exchange(this, c)).declare(agentName);
  }

  /** Routes {@code outbound}, published by a connection of {@code userId} (null for none). */
  CompletableFuture<Void> publish(Outbound outbound, String userId) {
    Exchange exchange = exchanges.get(outbound.channel());
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

  @Override
  public Set<String> agentsOn(String channel) {
    return agents(channel, null);
  }

  @Override
  public Set<String> agentsWithCapability(String channel, String capability) {
    Objects.requireNonNull(capability, "capability must not be null");
    return agents(channel, capability);
  }

  private Set<String> agents(String channel, String capability) {
    Names.require("channel name", channel);
    Exchange exchange = exchanges.get(channel);
    if (exchange == null) {
      return Set.of();
    }
    Set<String> agents = new TreeSet<>();
    for (AgentQueue queue : exchange.queues()) {
      for (QueueConsumer consumer : queue.consumers()) {
        if (capability == null || consumer.spec().capabilities().contains(capability)) {
          agents.add(queue.agentName());
          break;
        }
      }
    }
    return Set.copyOf(agents);
  }

  @Override
  public String toString() {
    return "Namespace[" + name + "]";
  }
}
