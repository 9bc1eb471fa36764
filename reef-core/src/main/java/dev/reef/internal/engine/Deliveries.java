package dev.reef.internal.engine;

import dev.reef.spi.DeadLetterReason;
import dev.reef.spi.Delivery;
import dev.reef.spore.Spore;
import java.time.Duration;
import java.util.Optional;

/** Views of a {@link Delivery}. */
final class Deliveries {
  private Deliveries() {}

  /**
   * A delivery whose spore is shown as {@code spore} (verified and unsigned, or read with this Reef's
   * mapping); settling goes to the original, which the backend holds as it arrived.
   */
  record Verified(Delivery delivery, Spore spore) implements Delivery {
    @Override
    public String channel() {
      return delivery.channel();
    }

    @Override
    public String replyAddress() {
      return delivery.replyAddress();
    }

    @Override
    public int attempt() {
      return delivery.attempt();
    }

    @Override
    public boolean redelivered() {
      return delivery.redelivered();
    }

    @Override
    public int deliveryCount() {
      return delivery.deliveryCount();
    }

    @Override
    public Optional<String> verifiedUserId() {
      return delivery.verifiedUserId();
    }

    @Override
    public void ack() {
      delivery.ack();
    }

    @Override
    public void retry(Duration delay, String error) {
      delivery.retry(delay, error);
    }

    @Override
    public void deadLetter(DeadLetterReason reason) {
      delivery.deadLetter(reason);
    }

    @Override
    public void requeue() {
      delivery.requeue();
    }
  }
}
