package dev.reef.amqp.faults;

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

  /** Every message in the queue, waiting or held. */
  long total() {
    return ready + unacknowledged;
  }
}
