package dev.reef.amqp;

import dev.reef.spi.DeadLetterReason;
import dev.reef.spi.Delivery;
import dev.reef.spore.Spore;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/** One message of an agent queue, decoded, until it is settled once through its consumer. */
final class AmqpDelivery implements Delivery {

  /**
   * Where the message stands, as {@link Republished} reads it.
   *
   * @param attempt 1 on a first attempt
   * @param deliveries 1 on the attempt's first delivery
   */
  record Counts(int attempt, int deliveries) {}

  private final AgentConsumer consumer;
  private final long deliveryTag;
  private final boolean redelivered;
  private final Spore spore;
  private final Counts counts;
  private final String replyAddress;
  private final String userId;
  private final AtomicBoolean settled = new AtomicBoolean();

  /** @param userId the broker-verified user who published the spore first, or null */
  AmqpDelivery(AgentConsumer consumer, long deliveryTag, boolean redelivered, Spore spore, Counts counts,
      String replyAddress, String userId) {
    this.consumer = consumer;
    this.deliveryTag = deliveryTag;
    this.redelivered = redelivered;
    this.spore = spore;
    this.counts = counts;
    this.replyAddress = replyAddress;
    this.userId = userId;
  }

  @Override
  public Spore spore() {
    return spore;
  }

  @Override
  public String channel() {
    return consumer.spec().channel();
  }

  @Override
  public String replyAddress() {
    return replyAddress;
  }

  @Override
  public int attempt() {
    return counts.attempt();
  }

  @Override
  public int deliveryCount() {
    return counts.deliveries();
  }

  @Override
  public boolean redelivered() {
    return redelivered;
  }

  /**
   * The message's {@code user_id}, which the broker checked against its publisher's login; for a spore
   * Reef published again (a retry), the first publisher's, as {@link Republished} reads it.
   */
  @Override
  public Optional<String> verifiedUserId() {
    return Optional.ofNullable(userId);
  }

  long deliveryTag() {
    return deliveryTag;
  }

  @Override
  public void ack() {
    if (settle()) {
      consumer.ack(deliveryTag);
    }
  }

  @Override
  public void retry(Duration delay, String error) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("retry delay must not be negative, got " + delay);
    }
    if (settle()) {
      consumer.retry(this, delay, error);
    }
  }

  @Override
  public void deadLetter(DeadLetterReason reason) {
    Objects.requireNonNull(reason, "reason");
    if (settle()) {
      consumer.deadLetter(this, reason);
    }
  }

  @Override
  public void requeue() {
    if (settle()) {
      consumer.requeue(deliveryTag);
    }
  }

  /** True the first time, and only while the consumer is open: later settlements are ignored. */
  private boolean settle() {
    return !consumer.isClosed() && settled.compareAndSet(false, true);
  }

  @Override
  public String toString() {
    return "AmqpDelivery[" + spore.id() + " #" + deliveryTag + " attempt " + counts.attempt() + " delivery " + counts.deliveries() + "]";
  }
}
