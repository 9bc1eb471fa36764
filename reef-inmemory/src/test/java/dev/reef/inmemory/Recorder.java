package dev.reef.inmemory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.spi.Delivery;
import dev.reef.spi.DeliveryHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A delivery handler that records what it gets, and optionally acknowledges at once. */
final class Recorder implements DeliveryHandler {
  private final BlockingQueue<Delivery> unread = new LinkedBlockingQueue<>();
  private final List<Delivery> all = new ArrayList<>();
  private final AtomicInteger count = new AtomicInteger();
  private final boolean ackAtOnce;

  private Recorder(boolean ackAtOnce) {
    this.ackAtOnce = ackAtOnce;
  }

  /** Keeps deliveries unsettled until the test settles them. */
  static Recorder holding() {
    return new Recorder(false);
  }

  /** Acknowledges each delivery inside onDelivery. */
  static Recorder acking() {
    return new Recorder(true);
  }

  @Override
  public void onDelivery(Delivery delivery) {
    synchronized (all) {
      all.add(delivery);
    }
    count.incrementAndGet();
    unread.add(delivery);
    if (ackAtOnce) {
      delivery.ack();
    }
  }

  @Override
  public void onUndecodable(String reason) {
    throw new AssertionError("the in-memory backend reported an undecodable message: " + reason);
  }

  /** The next delivery not read yet, waiting up to 5 s. */
  Delivery next() {
    try {
      Delivery delivery = unread.poll(5, TimeUnit.SECONDS);
      assertThat(delivery).as("a delivery within 5 s").isNotNull();
      return delivery;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The next {@code n} deliveries not read yet. */
  List<Delivery> next(int n) {
    List<Delivery> taken = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      taken.add(next());
    }
    return taken;
  }

  int count() {
    return count.get();
  }

  List<Delivery> all() {
    synchronized (all) {
      return List.copyOf(all);
    }
  }
}
