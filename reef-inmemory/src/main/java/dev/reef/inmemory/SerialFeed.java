package dev.reef.inmemory;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands items to a consumer on the broker's threads, one at a time and in the order offered, never
 * on the offering thread: how observers, reply endpoints and presence members receive. After {@value
 * #BUDGET} items in a row it yields the thread to other work and continues later.
 */
final class SerialFeed<T> {
  private static final Logger LOG = LoggerFactory.getLogger(SerialFeed.class);
  private static final int BUDGET = 1024;

  private final InMemoryBroker broker;
  private final Consumer<T> consumer;
  private final Queue<T> pending = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();

  SerialFeed(InMemoryBroker broker, Consumer<T> consumer) {
    this.broker = broker;
    this.consumer = consumer;
  }

  /** Queues {@code item}; false when the broker has closed and it will never be handed over. */
  boolean offer(T item) {
    pending.add(item);
    if (size.getAndIncrement() == 0) {
      return schedule();
    }
    return true;
  }

  /** How many items wait. */
  int size() {
    return size.get();
  }

  private boolean schedule() {
    try {
      broker.execute(this::drain);
      return true;
    } catch (RejectedExecutionException e) {
      LOG.debug("{} item(s) not handed over: the in-memory broker is closed", pending.size());
      return false;
    }
  }

  private void drain() {
    int handed = 0;
    do {
      T item = pending.poll();
      try {
        consumer.accept(item);
      } catch (RuntimeException e) {
        LOG.warn("a consumer on the in-memory broker failed on {}: {}", item, e.toString());
      }
      if (++handed == BUDGET && size.get() > 1) {
        size.decrementAndGet();
        schedule(); // let other work run on the broker's threads before the rest
        return;
      }
    } while (size.decrementAndGet() > 0);
  }
}
