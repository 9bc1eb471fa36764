package dev.reef.amqp;

import dev.reef.spore.Spore;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Sends a spore back to one agent's queue: what a consumer needs of {@link Retries}. */
interface RetrySender {

  /**
   * Sends {@code spore} back to {@code agent}'s queue on {@code channel} as {@code attempt}, after
   * {@code delay}; the future completes once the broker holds the copy.
   *
   * @param publisher the broker-verified user who published the spore first, or null
   */
  CompletableFuture<Void> sendBack(String channel, String agent, Spore spore, String replyAddress, String publisher,
      int attempt, Duration delay);

  /**
   * Puts a redelivered spore back at the end of {@code agent}'s queue, at once, as delivery {@code
   * deliveries} of {@code attempt} ({@link Republished}); the future completes once the broker
   * holds the copy.
   */
  CompletableFuture<Void> sendAgain(String channel, String agent, Spore spore, String replyAddress, String publisher,
      int attempt, int deliveries);
}
