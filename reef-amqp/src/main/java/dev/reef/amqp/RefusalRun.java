package dev.reef.amqp;

import java.time.Duration;

/**
 * When a publisher tries a fresh channel because the broker has refused every publish on its channel
 * for a while: since the first refusal after the last ack, {@link #FIRST_WAIT}, then twice as long
 * after each fresh channel, up to {@link #LONGEST_WAIT}; an ack ends the run. A fresh channel costs
 * little, and it is what gets a sender out of a broker that refuses one channel for good: on RabbitMQ
 * 3.10, a channel whose first publish to a quorum queue finds the node the queue's record names as
 * leader down is refused that publish and every later one, even once a new leader serves the queue; a
 * fresh channel reads the record again (rabbitmq-server#9221 removed the cause in 3.11 and 3.12;
 * {@code StrandedPublishChannelTest}). A queue that is really full refuses the fresh channel too, so the
 * waits grow. Guarded by its {@link PublishLedger}'s lock.
 */
final class RefusalRun {
  /** How long every publish must have been refused before the first fresh channel. */
  static final Duration FIRST_WAIT = Duration.ofSeconds(1);
  /** The longest wait between fresh channels while the refusals go on. */
  static final Duration LONGEST_WAIT = Duration.ofSeconds(30);
  private static final long NONE = Long.MIN_VALUE;

  private long since = NONE;
  private long waitNanos = FIRST_WAIT.toNanos();

  /** The broker acked ({@code refused} false) or nacked a publish at {@code nowNanos}. */
  void confirmed(boolean refused, long nowNanos) {
    if (!refused) {
      since = NONE;
      waitNanos = FIRST_WAIT.toNanos();
    } else if (since == NONE) {
      since = nowNanos;
    }
  }

  /** True when the refusals have gone on long enough for a fresh channel. */
  boolean due(long nowNanos) {
    return since != NONE && nowNanos - since >= waitNanos;
  }

  /** A fresh channel is being tried at {@code nowNanos}: the next one waits twice as long. */
  void freshChannelTried(long nowNanos) {
    since = nowNanos;
    waitNanos = Math.min(waitNanos * 2, LONGEST_WAIT.toNanos());
  }
}
