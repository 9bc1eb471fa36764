package dev.reef.inmemory;

import dev.reef.spi.ConsumerHandle;
import dev.reef.spi.ConsumerSpec;
import dev.reef.spi.DeliveryHandler;

/**
 * One consuming instance on an agent queue. Its mutable fields belong to the queue and are guarded
 * by the queue's lock.
 */
final class QueueConsumer implements ConsumerHandle {
  private final InMemoryBackend connection;
  private final AgentQueue queue;
  private final ConsumerSpec spec;
  private final DeliveryHandler handler;

  // Guarded by queue's lock.
  int unsettled;
  QueuedDelivery oldest;
  QueuedDelivery newest;
  boolean cancelled;
  boolean closed;

  QueueConsumer(InMemoryBackend connection, AgentQueue queue, ConsumerSpec spec, DeliveryHandler handler) {
    this.connection = connection;
    this.queue = queue;
    this.spec = spec;
    this.handler = handler;
  }

  InMemoryBackend connection() {
    return connection;
  }

  AgentQueue queue() {
    return queue;
  }

  ConsumerSpec spec() {
    return spec;
  }

  DeliveryHandler handler() {
    return handler;
  }

  /** Guarded by the queue's lock: appends a delivery to the unsettled list. */
  void hold(QueuedDelivery delivery) {
    delivery.older = newest;
    if (newest == null) {
      oldest = delivery;
    } else {
      newest.newer = delivery;
    }
    newest = delivery;
    unsettled++;
  }

  /** Guarded by the queue's lock: unlinks a settled delivery. */
  void release(QueuedDelivery delivery) {
    if (delivery.older == null) {
      oldest = delivery.newer;
    } else {
      delivery.older.newer = delivery.newer;
    }
    if (delivery.newer == null) {
      newest = delivery.older;
    } else {
      delivery.newer.older = delivery.older;
    }
    delivery.older = null;
    delivery.newer = null;
    unsettled--;
  }

  @Override
  public void cancel() {
    queue.cancel(this);
  }

  @Override
  public void close() {
    queue.close(this);
    connection.forget(this);
  }

  @Override
  public String toString() {
    return "QueueConsumer[" + spec.agentName() + "@" + spec.channel() + " " + spec.instanceId() + "]";
  }
}
