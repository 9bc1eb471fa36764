package dev.reef.amqp;

import dev.reef.spore.Spore;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Sends a failed spore back to one agent's queue after a delay: what a consumer needs of {@link Retries}. */
@FunctionalInterface
interface RetrySender {

  /**
   * Sends {@code spore} back to {@code agent}'s queue on {@code channel} as {@code attempt}, after
   * {@code delay}; the future completes once the broker holds the copy.
   */
  CompletableFuture<Void> sendBack(String channel, String agent, Spore spore, String replyAddress, int attempt,
      Duration delay);
}
