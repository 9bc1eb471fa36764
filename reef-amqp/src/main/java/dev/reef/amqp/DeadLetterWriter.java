package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import dev.reef.spi.DeadLetterReason;
import dev.reef.spore.Spore;
import java.util.concurrent.CompletableFuture;

/** Keeps what could not be handled in the dead letters: what consumers need of {@link AmqpDeadLetters}. */
interface DeadLetterWriter {

  /**
   * Dead-letters a spore a handler gave up on; the future completes once the broker holds it.
   *
   * @param replyAddress for a request, its reply address; else null
   * @param publisher the broker-verified user who published the spore, or null
   */
  CompletableFuture<Void> write(String channel, Spore spore, String replyAddress, String publisher,
      DeadLetterReason reason);

  /** Dead-letters a message that is not a spore, as it came; the future completes once the broker holds it. */
  CompletableFuture<Void> writeUndecodable(String channel, String agent, AMQP.BasicProperties original, byte[] body,
      String reason);
}
