package dev.reef.amqp;

import java.time.Duration;

/**
 * The messages one consumer is moving elsewhere (a retry, a dead letter, a counted copy) whose
 * original it settles once the copy is safe: closing waits for them, so that a settled delivery is
 * acked before the channel closes rather than requeued as well.
 */
final class MovesUnderWay {
  private int moving; // guarded by this

  /** A move began. */
  synchronized void started() {
    moving++;
  }

  /** A move ended, its original settled either way. */
  synchronized void ended() {
    moving--;
    notifyAll();
  }

  /** Waits until no move is under way, at most {@code patience}; returns early when interrupted. */
  synchronized void await(Duration patience) {
    long deadline = System.nanoTime() + patience.toNanos();
    long left;
    while (moving > 0 && (left = deadline - System.nanoTime()) > 0) {
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
