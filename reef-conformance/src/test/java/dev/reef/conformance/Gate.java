package dev.reef.conformance;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Holds handlers until the test opens it, to make spores wait in a busy agent. The wait is bounded,
 * so a test that fails before opening its gate never hangs a handler thread for long.
 */
final class Gate {
  private static final long MAX_WAIT_SECONDS = 10;

  private final CountDownLatch open = new CountDownLatch(1);
  private final AtomicInteger waiting = new AtomicInteger();
  private final AtomicInteger arrived = new AtomicInteger();

  /** Called by a handler: blocks until the gate opens. */
  void pass() throws InterruptedException {
    arrived.incrementAndGet();
    waiting.incrementAndGet();
    try {
      if (!open.await(MAX_WAIT_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never opened this gate");
      }
    } finally {
      waiting.decrementAndGet();
    }
  }

  /** Lets every waiting and future handler through. */
  void open() {
    open.countDown();
  }

  /** Handlers blocked at the gate now. */
  int waiting() {
    return waiting.get();
  }

  /** Handlers that reached the gate so far. */
  int arrived() {
    return arrived.get();
  }
}
