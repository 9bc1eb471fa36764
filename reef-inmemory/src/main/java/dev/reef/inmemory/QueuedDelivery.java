package dev.reef.inmemory;

import dev.reef.spi.DeadLetterReason;
import dev.reef.spi.Delivery;
import dev.reef.spore.Spore;
import java.time.Duration;
import java.util.Objects;

/**
 * One message handed to one consumer. Its state and links belong to the queue and are guarded by
 * the queue's lock; the queue keeps each consumer's unsettled deliveries in a doubly linked list,
 * oldest first, so that settling is O(1) and closing can requeue them in their original order.
 */
final class QueuedDelivery implements Delivery {
  final AgentQueue queue;
  final QueueConsumer consumer;
  final Message message;

  // Guarded by queue's lock.
  boolean settled;
  QueuedDelivery older;
  QueuedDelivery newer;

  QueuedDelivery(AgentQueue queue, QueueConsumer consumer, Message message) {
    this.queue = queue;
    this.consumer = consumer;
    this.message = message;
  }

  @Override
  public Spore spore() {
    return message.spore();
  }

  @Override
  public String channel() {
    return queue.channel();
  }

  @Override
  public String replyAddress() {
    return message.replyAddress();
  }

  @Override
  public java.util.Optional<String> verifiedUserId() {
    return java.util.Optional.ofNullable(message.userId());
  }

  @Override
  public int attempt() {
    return message.attempt();
  }

  @Override
  public boolean redelivered() {
    return message.redelivered();
  }

  @Override
  public void ack() {
    queue.settle(this, null);
  }

  @Override
  public void retry(Duration delay, String error) {
    Objects.requireNonNull(delay, "delay must not be null");
    Objects.requireNonNull(error, "error must not be null");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("retry delay must not be negative, got " + delay);
    }
    if (queue.settle(this, null)) {
      queue.retryLater(message.nextAttempt(), delay, consumer.connection());
    }
  }

  @Override
  public void deadLetter(DeadLetterReason reason) {
    Objects.requireNonNull(reason, "reason must not be null");
    if (queue.settle(this, null)) {
      queue.deadLetter(message, reason);
    }
  }

  @Override
  public void requeue() {
    queue.settle(this, message.redelivery());
  }

  @Override
  public String toString() {
    return "QueuedDelivery[" + message.spore().id() + " attempt " + message.attempt() + " from " + queue.name() + "]";
  }
}
