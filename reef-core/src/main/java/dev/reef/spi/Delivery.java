package dev.reef.spi;

import dev.reef.spore.Spore;
import java.time.Duration;
import java.util.Optional;

/**
 * One spore handed to one consumer, unsettled until exactly one of {@link #ack}, {@link #retry},
 * {@link #deadLetter} or {@link #requeue} is called. Settling twice, or after the consumer closed,
 * does nothing.
 */
public interface Delivery {

  /** The spore. */
  Spore spore();

  /** The channel it came through. */
  String channel();

  /** For a request, where the reply goes; else null. */
  String replyAddress();

  /** 1 on the first delivery, n on the n-th attempt after retries. */
  int attempt();

  /** True when the backend delivered this before (it may have been handled already). */
  boolean redelivered();

  /**
   * How many times this attempt has been handed to an instance of the agent, this time included: 1
   * on a first delivery, more when instances that held it before crashed, hung until their
   * connection was lost, or stopped without settling it. Counted by the transport, never read from
   * anything a sender writes (AMQP: quorum queues' {@code x-delivery-count}, or Reef's own count on
   * classic queues). The engine dead-letters a spore whose attempts and deliveries together exceed
   * its retry policy, so that a spore that kills its handler cannot go round for ever. Default 1: a
   * backend that cannot count.
   */
  default int deliveryCount() {
    return 1;
  }

  /**
   * The user the transport authenticated as the publisher of this message; empty when it knows none.
   * Never read from anything a sender writes into the spore. AMQP: the {@code user_id} property,
   * which RabbitMQ checks against the login of the publishing connection.
   */
  Optional<String> verifiedUserId();

  /** Done: remove it from the queue. */
  void ack();

  /**
   * Failed, try again later: after {@code delay}, the spore returns to this agent's queue (only this
   * agent's, even for a broadcast) as attempt {@link #attempt()} + 1.
   */
  void retry(Duration delay, String error);

  /** Failed for good: move it to the dead letters with the reason. */
  void deadLetter(DeadLetterReason reason);

  /** Not handled (e.g. shutting down): put it back at the head of the queue for any instance. */
  void requeue();
}
