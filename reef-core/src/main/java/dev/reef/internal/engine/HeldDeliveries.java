package dev.reef.internal.engine;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The deliveries one agent instance has taken and not yet settled, and when its handlers last made
 * progress. Closing waits here for the count to reach zero; the directory asks whether the instance
 * is stalled (holding spores without starting or finishing a handler for a while).
 */
final class HeldDeliveries {
  private final AtomicInteger held = new AtomicInteger();
  private final DeadlineWait drained = new DeadlineWait(); // a closing instance waits for none held
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
    if (held.decrementAndGet() == 0) {
      drained.signal();
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
    drained.await(() -> held.get() == 0, deadlineNanos);
    return held.get();
  }
}
