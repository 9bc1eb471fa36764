package dev.reef.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The bookkeeping of one round, identical for both sides so that neither pays for more of it: a
 * credit window bounding messages in flight, a countdown of messages the handler has still to see,
 * and the first send failure.
 *
 * <p>Flow control: the sender takes a credit before each send, the handler gives them back. Both sides
 * need it and get the same: Reef's in-memory queue refuses publishes beyond its length limit (10,000
 * spores, as RabbitMQ's {@code reject-publish}), and Vert.x's event bus would otherwise queue without
 * bound on the consumer's event loop, so "fire and forget" would measure memory, not delivery.
 */
final class Round {
  /**
   * Credits go back in batches of window / 32: a sender waiting for credit is woken once per batch,
   * not once per message, so that neither side's handler pays a thread wake-up per message for the
   * benchmark's own flow control. A partial batch at the end is never needed: the sender cannot be
   * short of credit while fewer than a batch of its messages are unseen, as batch <= window.
   */
  static final int CREDIT_BATCHES = 32;

  private final Semaphore credits;
  private final int messages;
  private final int batch;
  private final AtomicInteger unseen;
  private final CountDownLatch allSeen = new CountDownLatch(1);
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile long lastSeenNanos;
  private long firstSendNanos;

  Round(int messages, int window) {
    this.credits = new Semaphore(window);
    this.messages = messages;
    this.batch = Math.max(1, window / CREDIT_BATCHES);
    this.unseen = new AtomicInteger(messages);
  }

  /** Called by the sender before each send; blocks while the window is full. */
  void beforeSend() throws InterruptedException {
    credits.acquire();
  }

  /** Called by the sender once, just before its first send. */
  void start() {
    firstSendNanos = System.nanoTime();
  }

  /** Called by the handler for each message. */
  void seen() {
    int left = unseen.decrementAndGet();
    if ((messages - left) % batch == 0) {
      credits.release(batch);
    }
    if (left == 0) {
      lastSeenNanos = System.nanoTime();
      allSeen.countDown();
    }
  }

  /** Records a send that failed; the round then ends with it. */
  void failed(Throwable error) {
    failure.compareAndSet(null, error);
    allSeen.countDown();
  }

  /**
   * Waits until the handler has seen every message.
   *
   * @return nanoseconds from the first send until the handler saw the last message
   */
  long await(String side, long timeout, TimeUnit unit) throws Exception {
    boolean done = allSeen.await(timeout, unit);
    Throwable error = failure.get();
    if (error != null) {
      throw new IllegalStateException(side + ": a send failed", error);
    }
    if (!done) {
      throw new IllegalStateException(side + ": the handler has not seen " + unseen.get() + " message(s) after "
          + timeout + " " + unit);
    }
    return lastSeenNanos - firstSendNanos;
  }
}
