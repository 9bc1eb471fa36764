package dev.reef.inmemory;

import dev.reef.spi.Outbound;
import dev.reef.spore.Spore;

/**
 * A spore waiting in an agent queue, with what AMQP would carry beside it: the reply address, the
 * attempt number and whether it was delivered before.
 */
record Message(Spore spore, String replyAddress, int attempt, boolean redelivered) {

  static Message of(Outbound outbound) {
    return new Message(outbound.spore(), outbound.replyAddress(), outbound.attempt(), false);
  }

  /** The same attempt, returned to the queue after a consumer let go of it. */
  Message redelivery() {
    return redelivered ? this : new Message(spore, replyAddress, attempt, true);
  }

  /** The next attempt after a failure: a fresh delivery, as AMQP's retry queues make it. */
  Message nextAttempt() {
    return new Message(spore, replyAddress, attempt + 1, false);
  }
}
