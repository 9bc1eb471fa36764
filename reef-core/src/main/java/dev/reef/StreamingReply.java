package dev.reef;

import dev.reef.spore.Spore;
import java.util.concurrent.CompletableFuture;

/** The caller's side of a streamed request, from {@link Channel#requestStream}. */
public interface StreamingReply {

  /** The final reply, after every part; fails as a request's future fails, or with {@link StreamIdleException}. */
  CompletableFuture<Spore> reply();

  /**
   * Stops the stream: no part is handed over from now on, {@link #reply()} fails with {@link
   * java.util.concurrent.CancellationException}, and the handler is told (it sees {@link
   * ReplyStream#isCancelled()}). Idempotent.
   */
  void cancel();

  /** How many parts were handed over so far. */
  long partsReceived();
}
