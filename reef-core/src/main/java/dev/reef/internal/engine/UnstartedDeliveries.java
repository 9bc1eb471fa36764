package dev.reef.internal.engine;

import dev.reef.spi.Delivery;
import java.util.ArrayList;
import java.util.List;

/**
 * The deliveries a stopping instance will not start, on their way back to the queue. They go back
 * only once the instance's consumer is cancelled: one requeued while the consumer still consumes can
 * come straight back to it, redelivered, and a backend may count that as a delivery that failed. On
 * RabbitMQ's classic queues it does: the spore is sent again to the end of the queue, counted once
 * more, and the copy could still be on its way while the consumer closes.
 */
final class UnstartedDeliveries {
  private final Outcomes outcomes;
  private List<Delivery> waiting = new ArrayList<>(); // null once the consumer is cancelled; guarded by this

  UnstartedDeliveries(Outcomes outcomes) {
    this.outcomes = outcomes;
  }

  /** Returns {@code delivery} to the queue, now or once the consumer is cancelled. */
  void giveBack(Delivery delivery) {
    synchronized (this) {
      if (waiting != null) {
        waiting.add(delivery);
        return;
      }
    }
    outcomes.settle(delivery, delivery::requeue);
  }

  /** The consumer takes no more deliveries: those waiting go back now, later ones at once. */
  void consumerCancelled() {
    List<Delivery> back;
    synchronized (this) {
      back = waiting;
      waiting = null;
    }
    if (back != null) {
      back.forEach(delivery -> outcomes.settle(delivery, delivery::requeue));
    }
  }
}
