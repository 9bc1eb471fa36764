package dev.reef;

import java.util.concurrent.CompletableFuture;

/**
 * A handler's stream of partial replies to the request it handles (SPEC §3.14), from {@link
 * HandlerContext#stream()}. Parts reach the caller in the order they are sent; the handler's return
 * value is the final reply. Thread-safe; send from one thread to keep your own order.
 */
public interface ReplyStream {

  /**
   * Sends one part (knowledge as for a reply). Once the caller has cancelled, nothing is sent and the
   * future fails with {@link java.util.concurrent.CancellationException}.
   */
  CompletableFuture<Void> send(Object part);

  /** True once the caller cancelled (or gave up waiting): stop producing parts. */
  boolean isCancelled();

  /** Runs {@code action} once when the caller cancels (at once if it has already). */
  void onCancel(Runnable action);

  /** How many parts were sent so far. */
  long partsSent();
}
