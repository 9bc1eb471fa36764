package dev.reef.amqp;

import java.time.Duration;

/**
 * The messages one consumer is moving elsewhere (a retry, a dead letter, a counted copy) whose
 * original it settles once the copy is safe: closing waits for them, so that a settled delivery is
 * acked before the channel closes rather than requeued as well. Once closing has begun no move
 * starts: a delivery the client hands over late (after the broker confirmed the cancel, but before
 * the consumer thread got to it) would otherwise send its copy while the closing channel returns its
 * original to the queue, and the spore would be there twice.
 */
final class MovesUnderWay {
  private int moving; // guarded by this
  private boolean closing; // guarded by this

  /**
   * Begins a move, before its copy is sent; false once closing has begun: then nothing is sent and the
   * original goes back to the queue with the channel.
   */
  synchronized boolean start() {
    if (closing) {
      return false;
    }
    moving++;
    return true;
  }

  /** A move ended, its original settled either way. */
  synchronized void ended() {
    moving--;
    notifyAll();
  }

  /**
   * Lets no move start from now on, and waits until none is under way, at most {@code patience};
   * returns early when interrupted.
   */
  synchronized void close(Duration patience) {
    closing = true;
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
