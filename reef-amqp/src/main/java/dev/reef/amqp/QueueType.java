package dev.reef.amqp;

import java.util.Locale;

/** The kind of RabbitMQ queue that holds each agent's spores on a channel (SPEC §5). */
public enum QueueType {
  /** Classic queues with {@code x-max-priority} 10: priorities are honoured. The default. */
  CLASSIC,
  /**
   * Quorum queues: replicated across a cluster's nodes, for when losing a node must not lose spores.
   * RabbitMQ before 4.0 ignores message priority in quorum queues.
   */
  QUORUM;

  /**
   * Reads {@code classic} or {@code quorum}, in any case.
   *
   * @throws IllegalArgumentException naming the valid values
   */
  public static QueueType parse(String text) {
    if (text != null) {
      for (QueueType type : values()) {
        if (type.name().equalsIgnoreCase(text.trim())) {
          return type;
        }
      }
    }
    throw new IllegalArgumentException("unknown queue type '" + text + "': expected classic or quorum");
  }

  /** The lower-case name, as in URIs. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
