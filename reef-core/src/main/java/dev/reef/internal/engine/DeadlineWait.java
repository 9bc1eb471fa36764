package dev.reef.internal.engine;

import java.util.function.BooleanSupplier;

/**
 * A wait, bounded by a deadline, for a condition that other threads make true: a stopping instance
 * waits for its held deliveries to settle and for its handlers to leave their threads. Those threads
 * are on every spore's path, so {@link #signal()} costs them one volatile read until someone waits.
 */
final class DeadlineWait {
  private volatile boolean waiting;

  /**
   * The condition may have become true: wakes the waiter, if there is one. Call it after changing
   * what the condition reads, so that either the waiter sees the change or this sees the waiter.
   */
  void signal() {
    if (waiting) {
      synchronized (this) {
        notifyAll();
      }
    }
  }

  /**
   * Waits until {@code done} is true or {@code deadlineNanos} ({@link System#nanoTime()}) has passed,
   * returning early when interrupted (the interrupt is kept); returns {@code done}'s last answer.
   */
  boolean await(BooleanSupplier done, long deadlineNanos) {
    waiting = true;
    synchronized (this) {
      long left;
      while (!done.getAsBoolean() && (left = deadlineNanos - System.nanoTime()) > 0) {
        try {
          wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    return done.getAsBoolean();
  }
}
