package dev.reef.internal.engine;

import dev.reef.ReefClosedException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where a Reef is in its life: open, closing (instances drain; their handlers may still send and
 * reply), closed. Every entry point asks it first.
 */
final class Lifecycle {
  private static final int OPEN = 0;
  private static final int CLOSING = 1;
  private static final int CLOSED = 2;

  private final AtomicInteger state = new AtomicInteger(OPEN);
  private final String description;

  Lifecycle(String description) {
    this.description = description;
  }

  /** Throws once closed. While closing, unfinished handlers may still send and reply. */
  void ensureOpen() {
    if (state.get() == CLOSED) {
      throw new ReefClosedException(description + " is closed");
    }
  }

  /** Throws once closing has begun: no new agent instances, channels or observers. */
  void ensureNotClosing() {
    if (state.get() != OPEN) {
      throw new ReefClosedException(description + " is closed");
    }
  }

  /** Begins closing; false when it had begun already. */
  boolean beginClosing() {
    return state.compareAndSet(OPEN, CLOSING);
  }

  /** Every instance has drained: nothing may be sent any more. */
  void closed() {
    state.set(CLOSED);
  }

  /** True once closing has begun. */
  boolean isClosing() {
    return state.get() != OPEN;
  }
}
