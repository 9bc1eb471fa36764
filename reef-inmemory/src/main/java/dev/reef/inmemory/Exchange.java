package dev.reef.inmemory;

import dev.reef.QueueFullException;
import dev.reef.UnknownDestinationException;
import dev.reef.spi.Outbound;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One channel of a namespace (AMQP: the topic exchange {@code ns.CHANNEL}) with the agent queues
 * bound to it: a directed spore goes to its agent's queue, a broadcast to every queue.
 */
final class Exchange {
  private final Namespace namespace;
  private final String channel;
  private final Map<String, AgentQueue> queues = new ConcurrentHashMap<>();
  private final ChannelLog log;
  /**
   * Publishes to a channel that keeps history hold it shared, declarations exclusively: a spore is
   * either appended before a new queue exists (and is in the history a catch-up reads) or routed to
   * it, never neither (SPEC §3.16).
   */
  private final ReadWriteLock seam = new ReentrantReadWriteLock();

  Exchange(Namespace namespace, String channel, ChannelLog log) {
    this.namespace = namespace;
    this.channel = channel;
    this.log = log;
  }

  /** The agent's queue, created on first use; it lives as long as the broker. */
  AgentQueue declare(String agentName) {
    AgentQueue queue = queues.get(agentName);
    if (queue != null) {
      return queue;
    }
    seam.writeLock().lock();
    try {
      return queues.computeIfAbsent(agentName, agent -> new AgentQueue(namespace, channel, agent));
    } finally {
      seam.writeLock().unlock();
    }
  }

  AgentQueue queue(String agentName) {
    return queues.get(agentName);
  }

  Iterable<AgentQueue> queues() {
    return queues.values();
  }

  /** Routes {@code outbound}; appends it to the channel's history first when kept (unless it cannot be routed). */
  CompletableFuture<Void> route(Outbound outbound, String userId) {
    if (!log.isKept()) {
      return deliver(outbound, userId);
    }
    seam.readLock().lock();
    try {
      if (outbound.targetAgent() == null || queues.containsKey(outbound.targetAgent())) {
        log.append(outbound.spore());
      }
      return deliver(outbound, userId);
    } finally {
      seam.readLock().unlock();
    }
  }

  private CompletableFuture<Void> deliver(Outbound outbound, String userId) {
    Message message = Message.of(outbound, userId);
    String target = outbound.targetAgent();
    if (target != null) {
      AgentQueue queue = queues.get(target);
      if (queue == null) {
        return CompletableFuture.failedFuture(new UnknownDestinationException(channel, target));
      }
      return queue.publish(message)
          ? CompletableFuture.completedFuture(null)
          : CompletableFuture.failedFuture(full(List.of(queue.name()), message, queue.maxLength(), 0));
    }
    List<String> refused = null;
    int taken = 0;
    int limit = 0;
    for (AgentQueue queue : queues.values()) {
      if (queue.publish(message)) {
        taken++;
      } else {
        if (refused == null) {
          refused = new ArrayList<>();
        }
        refused.add(queue.name());
        limit = queue.maxLength();
      }
    }
    return refused == null
        ? CompletableFuture.completedFuture(null)
        : CompletableFuture.failedFuture(full(refused, message, limit, taken));
  }

  private static QueueFullException full(List<String> refused, Message message, int limit, int taken) {
    String which = refused.size() == 1 ? "queue '" + refused.get(0) + "' is" : "queues " + refused + " are";
    String others = message.spore().isBroadcast() ? "; " + taken + " other queue(s) took it" : "";
    return new QueueFullException(which + " full (limit " + limit + " spores): spore " + message.spore().id()
        + " was refused" + others);
  }
}
