package dev.reef.conformance;

import java.util.concurrent.atomic.AtomicInteger;

/** Counts handler runs in progress at once, and the most seen together. */
final class Overlap {
  private final AtomicInteger current = new AtomicInteger();
  private final AtomicInteger max = new AtomicInteger();

  /** A handler run begins. */
  void enter() {
    int now = current.incrementAndGet();
    max.accumulateAndGet(now, Math::max);
  }

  /** A handler run ends. */
  void exit() {
    current.decrementAndGet();
  }

  int current() {
    return current.get();
  }

  int max() {
    return max.get();
  }
}
