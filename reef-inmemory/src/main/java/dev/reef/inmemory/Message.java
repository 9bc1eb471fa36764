package dev.reef.inmemory;

import dev.reef.spi.Outbound;
import dev.reef.spore.Spore;

/**
 * A spore waiting in an agent queue, with what AMQP would carry beside it: the reply address, the
 * attempt number, whether it was delivered before, and the user of the connection that published
 * it (AMQP: the broker-verified {@code user_id}), or null when that connection has none.
 */
record Message(Spore spore, String replyAddress, int attempt, boolean redelivered, String userId) {

  static Message of(Outbound outbound, String userId) {
    return new Message(outbound.spore(), outbound.replyAddress(), outbound.attempt(), false, userId);
  }

  /** The same attempt, returned to the queue after a consumer let go of it. */
  Message redelivery() {
    return redelivered ? this : new Message(spore, replyAddress, attempt, true, userId);
  }

  /** The next attempt after a failure: a fresh delivery, as AMQP's retry queues make it. */
  Message nextAttempt() {
    return new Message(spore, replyAddress, attempt + 1, false, userId);
  }
}
