package dev.reef.inmemory;

import static dev.reef.inmemory.TestSpores.directed;
import static dev.reef.inmemory.TestSpores.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.spi.Delivery;
import dev.reef.spi.DeliveryHandler;
import dev.reef.spi.ReefBackend;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The core settles some deliveries inside onDelivery (expired spores, duplicates, own broadcasts). */
class ReentrancyTest {
  private static final int SPORES = 100_000;

  private final InMemoryBroker broker = InMemoryBroker.builder().maxQueueLength(SPORES).build();
  private final ReefBackend backend = broker.connect("reef");

  @AfterEach
  void closeBroker() {
    broker.close();
  }

  @Test
  void aHundredThousandBufferedSporesAckedInsideOnDelivery() {
    backend.consume(spec("alice", 1), Recorder.acking()).close();
    for (int i = 0; i < SPORES; i++) {
      backend.publish(directed("alice", i)).join();
    }
    AtomicInteger acked = new AtomicInteger();
    AtomicInteger outOfOrder = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    DeliveryHandler inline = Handlers.of(delivery -> {
      try {
        if (TestSpores.n(delivery) != acked.get()) {
          outOfOrder.incrementAndGet();
        }
        acked.incrementAndGet();
        delivery.ack();
      } catch (Throwable e) { // a StackOverflowError included
        failure.compareAndSet(null, e);
        throw e;
      }
    });

    backend.consume(spec("alice", 1), inline);

    await().atMost(Duration.ofSeconds(30)).until(() -> acked.get() == SPORES || failure.get() != null);
    assertThat(failure.get()).isNull();
    assertThat(outOfOrder.get()).isZero();
    assertThat(backend.queuedForLocalConsumers()).isZero();
  }

  @Test
  void sporesPublishedToARunningConsumerAndAckedInline() {
    AtomicInteger acked = new AtomicInteger();
    backend.consume(spec("alice", 1), Handlers.of(delivery -> {
      acked.incrementAndGet();
      delivery.ack();
    }));
    for (int i = 0; i < SPORES; i++) {
      backend.publish(directed("alice", i)).join();
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> acked.get() == SPORES);
  }

  @Test
  void requeueInsideOnDeliveryGoesToAnotherInstance() {
    AtomicInteger refused = new AtomicInteger();
    backend.consume(spec("alice", 1), Handlers.of(delivery -> {
      refused.incrementAndGet();
      delivery.requeue(); // shutting down: not handled
    }));
    Recorder other = Recorder.holding();
    backend.consume(spec("alice", 1), other);

    backend.publish(directed("alice", 1)).join();
    backend.publish(directed("alice", 2)).join();

    Delivery first = other.next();
    first.ack();
    Delivery second = other.next();
    assertThat(java.util.List.of(TestSpores.n(first), TestSpores.n(second))).containsExactlyInAnyOrder(1, 2);
    assertThat(refused.get()).isPositive();
  }

  @Test
  void publishingInsideOnDeliveryDoesNotRecurseWithoutBound() {
    AtomicInteger hops = new AtomicInteger();
    int limit = 50_000;
    // alice and bob bounce a spore between their queues, each publish made inside onDelivery.
    DeliveryHandler bounce = Handlers.of(delivery -> {
      int n = TestSpores.n(delivery);
      delivery.ack();
      if (n < limit) {
        String next = delivery.spore().toAgent().equals("alice") ? "bob" : "alice";
        backend.publish(directed(next, n + 1));
      }
      hops.incrementAndGet();
    });
    backend.consume(spec("alice", 1), bounce);
    backend.consume(spec("bob", 1), bounce);

    backend.publish(directed("alice", 0)).join();

    await().atMost(Duration.ofSeconds(30)).until(() -> hops.get() == limit + 1);
  }
}
