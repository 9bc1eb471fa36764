package dev.reef.internal.engine;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The deliveries one agent instance has taken and not yet settled, and when its handlers last made
 * progress. Closing waits here for the count to reach zero; the directory asks whether the instance
 * is stalled (holding spores without starting or finishing a handler for a while).
 */
final class HeldDeliveries {
  private final AtomicInteger held = new AtomicInteger();
  private final Object drained = new Object();
  private volatile boolean waiting; // a closing instance waits; only then do settlements notify
  private volatile long progressNanos = System.nanoTime();

  /** A delivery was taken. */
  void taken() {
    if (held.getAndIncrement() == 0) {
      progressNanos = System.nanoTime(); // an idle instance that takes a spore is not stalled
    }
  }

  /** A handler started or finished, at {@code nanos}. */
  void progressed(long nanos) {
    progressNanos = nanos;
  }

  /** A delivery was settled. */
  void settled() {
    // The count is read after `waiting` is set, so either the waiter sees zero or this sees `waiting`.
    if (held.decrementAndGet() == 0 && waiting) {
      synchronized (drained) {
        drained.notifyAll();
      }
    }
  }

  /** How many are held now. */
  int count() {
    return held.get();
  }

  /** True when spores are held and no handler started or finished for {@code afterNanos}. */
  boolean stalled(long nowNanos, long afterNanos) {
    return held.get() > 0 && nowNanos - progressNanos > afterNanos;
  }

  /** Waits until none is held or {@code deadlineNanos} passed; returns how many are still held. */
  int awaitNone(long deadlineNanos) {
    waiting = true;
    synchronized (drained) {
      long left;
      while (held.get() > 0 && (left = deadlineNanos - System.nanoTime()) > 0) {
        try {
          drained.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    return held.get();
  }
}
