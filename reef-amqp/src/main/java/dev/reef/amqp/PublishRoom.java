package dev.reef.amqp;

import dev.reef.ReefException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The room among a publisher's outstanding publishes: at most {@code max} at once, each from its
 * admission until it is settled. It is guarded by its {@link PublishLedger}'s lock, which every method
 * expects held; publishes wait for room, and closing for every publish to be settled, on conditions of
 * that lock.
 */
final class PublishRoom {
  private final int max;
  private final Condition freed;
  private final Condition empty;
  private int taken;

  PublishRoom(ReentrantLock lock, int max) {
    this.max = max;
    this.freed = lock.newCondition();
    this.empty = lock.newCondition();
  }

  /**
   * Takes room for {@code pending}, waiting for it until {@code deadlineNanos}; returns null when
   * taken, else why not.
   */
  RuntimeException take(PendingPublish pending, long deadlineNanos, BooleanSupplier closed) {
    try {
      while (true) {
        if (closed.getAsBoolean()) {
          return new ReefException("the AMQP backend is closed; could not send " + pending.message.description());
        }
        if (taken < max) {
          taken++;
          return null;
        }
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          return new ReefException("could not send " + pending.message.description() + ": " + max
              + " earlier sends still wait for the broker's confirm (or for a connection), and none was settled"
              + " before the send's deadline");
        }
        freed.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new ReefException("interrupted while waiting to send " + pending.message.description());
    }
  }

  /** Settles {@code pending} for good, which frees its room; false when it was already. */
  boolean settle(PendingPublish pending) {
    if (pending.settled) {
      return false;
    }
    pending.settled = true;
    taken--;
    freed.signal();
    if (taken == 0) {
      empty.signalAll();
    }
    return true;
  }

  /** Waits until every publish is settled, {@code deadlineNanos} passes or {@code worthWaiting} turns false. */
  void awaitEmpty(long deadlineNanos, BooleanSupplier worthWaiting) {
    long wait;
    while (taken > 0 && worthWaiting.getAsBoolean() && (wait = deadlineNanos - System.nanoTime()) > 0) {
      try {
        empty.awaitNanos(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Wakes every publish that waits for room (to find the publisher closed). */
  void wakeAll() {
    freed.signalAll();
  }

  /** How many publishes hold room. */
  int taken() {
    return taken;
  }
}
