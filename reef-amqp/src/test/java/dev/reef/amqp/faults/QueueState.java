package dev.reef.amqp.faults;

import java.time.Duration;
import java.util.Objects;

/**
 * What a private node says of one queue: spores waiting, and spores delivered to a consumer and not
 * yet settled (held by an agent instance).
 *
 * @param ready messages waiting for a consumer
 * @param unacknowledged messages delivered and not yet acknowledged
 */
record QueueState(long ready, long unacknowledged) {

  /** The queue's state as {@code rabbitmqctl list_queues} on {@code node} reports it. */
  static QueueState of(PrivateRabbitNode node, String queue) {
    Objects.requireNonNull(queue, "queue");
    String listing = node.rabbitmqctl("list_queues", "--quiet", "--no-table-headers", "name", "messages_ready",
        "messages_unacknowledged");
    for (String line : listing.split("\n")) {
      String[] columns = line.trim().split("\\s+");
      if (columns.length == 3 && columns[0].equals(queue)) {
        return new QueueState(Long.parseLong(columns[1]), Long.parseLong(columns[2]));
      }
    }
    throw new AssertionError("node " + node.nodeName() + " has no queue " + queue + "; it listed:\n" + listing);
  }

  /**
   * The queue's state once it shows empty, or the last one seen after {@code within}. A quorum queue's
   * counts come from its periodic tick (every 5 s by default), so a spore handled a moment ago can still
   * show as ready: a queue that really keeps a copy shows it for the whole wait.
   */
  static QueueState onceEmpty(PrivateRabbitNode node, String queue, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    QueueState state = of(node, queue);
    while (state.total() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return state;
      }
      state = of(node, queue);
    }
    return state;
  }

  /** Every message in the queue, waiting or held. */
  long total() {
    return ready + unacknowledged;
  }
}
