package dev.reef.inmemory;

import dev.reef.SporeObserver;
import dev.reef.spi.Observation;
import dev.reef.spore.Spore;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One observer of one channel (AMQP: a private queue bound to the channel exchange). Spores reach
 * it in publish order, on the broker's threads, never on the publisher's.
 */
final class ObserverFeed implements Observation {
  private static final Logger LOG = LoggerFactory.getLogger(ObserverFeed.class);

  private final Namespace namespace;
  private final String channel;
  private final SporeObserver observer;
  private final Queue<Spore> pending = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();

  ObserverFeed(Namespace namespace, String channel, SporeObserver observer) {
    this.namespace = namespace;
    this.channel = channel;
    this.observer = observer;
  }

  void offer(Spore spore) {
    if (closed.get()) {
      return;
    }
    pending.add(spore);
    if (size.getAndIncrement() == 0) {
      try {
        namespace.broker().execute(this::drain);
      } catch (RejectedExecutionException e) {
        LOG.debug("observer of '{}' stopped with its broker", channel);
      }
    }
  }

  private void drain() {
    do {
      Spore spore = pending.poll();
      if (!closed.get()) {
        try {
          observer.observe(channel, spore);
        } catch (RuntimeException e) {
          LOG.warn("an observer of channel '{}' failed on spore {}: {}", channel, spore.id(), e.toString());
        }
      }
    } while (size.decrementAndGet() > 0);
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      namespace.stopObserving(this);
    }
  }

  String channel() {
    return channel;
  }
}
