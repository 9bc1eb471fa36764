package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import java.util.Map;

/**
 * What Reef writes on a spore it publishes again into an agent's queue (a retry, or the copy of a
 * redelivered message), and reads back: the attempt number ({@link SporeCodec#ATTEMPT}), how many
 * times the attempt was delivered ({@value #DELIVERIES}), and who published the spore first ({@value
 * #PUBLISHER}, empty for nobody the broker knew).
 *
 * <p>These headers are believed only on a message that the consumer's own broker user published
 * ({@code user_id}, which the broker checks): anyone else's read as a first attempt, a first
 * delivery, published by whoever the broker says. So a forged attempt or count can only add runs,
 * never skip retries (SPEC §8), and nobody's spore passes for Reef's own by being retried.
 *
 * <p>Delivery counts stop a spore that kills or hangs every instance it reaches from going round for
 * ever (SPEC §3.10). Quorum queues count for themselves: {@value #QUORUM_COUNT}, set by the broker
 * on each redelivery (read only then: a publisher can write the header, not the redelivered flag).
 * Classic queues do not count, so Reef does: an agent consumer puts a redelivered message back at the
 * end of its queue as a copy whose count is one more, and acknowledges the original.
 */
final class Republished {
  /** Reef's count of deliveries of the current attempt, on classic queues. */
  static final String DELIVERIES = "reef_deliveries";
  /** The first publisher of a spore Reef published again; empty for none. */
  static final String PUBLISHER = "reef_publisher";
  /** A quorum queue's count of earlier deliveries. */
  static final String QUORUM_COUNT = "x-delivery-count";
  /** Beyond any sensible retry policy: larger counts are read as this. */
  static final int MAX_COUNT = 1_000;

  private final boolean own;
  private final Map<String, Object> headers;
  private final String userId;

  private Republished(boolean own, Map<String, Object> headers, String userId) {
    this.own = own;
    this.headers = headers == null ? Map.of() : headers;
    this.userId = userId;
  }

  /** Reads a message that reached a consumer logged in as {@code ownUser}. */
  static Republished of(AMQP.BasicProperties properties, String ownUser) {
    String userId = properties.getUserId() == null || properties.getUserId().isEmpty() ? null : properties.getUserId();
    return new Republished(ownUser != null && ownUser.equals(userId), properties.getHeaders(), userId);
  }

  /** True when the message is the consumer's own broker user's: its Reef headers are believed. */
  boolean own() {
    return own;
  }

  /** The attempt: as decoded from {@link SporeCodec#ATTEMPT} on an own message; else 1. */
  int attempt(int decoded) {
    return own ? decoded : 1;
  }

  /** The broker-verified first publisher: from {@value #PUBLISHER} on an own message that has it; else {@code user_id}. */
  String publisher() {
    String first = own ? text(PUBLISHER) : null;
    if (first != null) {
      return first.isEmpty() ? null : first;
    }
    return userId;
  }

  /**
   * The delivery count of this delivery: 1 for a first delivery.
   *
   * @param quorum true on a quorum queue
   */
  int deliveries(Envelope envelope, boolean quorum) {
    if (quorum) {
      return envelope.isRedeliver() && headers.get(QUORUM_COUNT) instanceof Number earlier
          ? bounded(earlier.longValue() + 1) : 1;
    }
    String count = own ? text(DELIVERIES) : null;
    if (count == null) {
      return 1;
    }
    try {
      return bounded(Long.parseLong(count.trim()));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  /** Adds the headers of a spore published again, first published by {@code publisher} (null: nobody known). */
  static void write(Map<String, Object> headers, int deliveries, String publisher) {
    if (deliveries > 1) {
      headers.put(DELIVERIES, Integer.toString(deliveries));
    }
    headers.put(PUBLISHER, publisher == null ? "" : publisher);
  }

  private String text(String name) {
    return WireFields.text(headers.get(name));
  }

  private static int bounded(long count) {
    return (int) Math.max(1, Math.min(MAX_COUNT, count));
  }
}
