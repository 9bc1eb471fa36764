package dev.reef.inmemory;

import dev.reef.SporeObserver;
import dev.reef.Observation;
import dev.reef.spore.Spore;
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
  private final SerialFeed<Spore> feed;
  private volatile boolean closed;

  ObserverFeed(Namespace namespace, String channel, SporeObserver observer) {
    this.namespace = namespace;
    this.channel = channel;
    this.observer = observer;
    this.feed = new SerialFeed<>(namespace.broker(), this::show);
  }

  void offer(Spore spore) {
    if (!closed) {
      feed.offer(spore);
    }
  }

  private void show(Spore spore) {
    if (closed) {
      return;
    }
    try {
      observer.observe(channel, spore);
    } catch (RuntimeException e) {
      LOG.warn("an observer of channel '{}' failed on spore {}: {}", channel, spore.id(), e.toString());
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      namespace.stopObserving(this);
    }
  }

  String channel() {
    return channel;
  }
}
