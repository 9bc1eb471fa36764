package dev.reef.inmemory;

import static dev.reef.inmemory.TestSpores.directed;
import static dev.reef.inmemory.TestSpores.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.spi.ConsumerHandle;
import dev.reef.spi.Delivery;
import dev.reef.spi.DeliveryHandler;
import dev.reef.spi.PresenceLink;
import dev.reef.spi.PresenceMessage;
import dev.reef.spi.ReefBackend;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConsumerTest {
  private final InMemoryBroker broker = InMemoryBroker.create();
  private final ReefBackend backend = broker.connect("reef");

  @AfterEach
  void closeBroker() {
    broker.close();
  }

  @Test
  void instancesOfOneAgentShareItsQueueRoundRobin() {
    Recorder first = Recorder.acking();
    Recorder second = Recorder.acking();
    Recorder third = Recorder.acking();
    backend.consume(spec("bob", 100), first);
    backend.consume(spec("bob", 100), second);
    broker.connect("reef").consume(spec("bob", 100), third); // another "JVM"

    for (int i = 0; i < 30; i++) {
      backend.publish(directed("bob", i)).join();
    }

    assertThat(first.next(10)).extracting(TestSpores::n).containsExactly(0, 3, 6, 9, 12, 15, 18, 21, 24, 27);
    assertThat(second.next(10)).extracting(TestSpores::n).containsExactly(1, 4, 7, 10, 13, 16, 19, 22, 25, 28);
    assertThat(third.next(10)).extracting(TestSpores::n).containsExactly(2, 5, 8, 11, 14, 17, 20, 23, 26, 29);
  }

  @Test
  void roundRobinSkipsInstancesWithoutRoom() {
    Recorder busy = Recorder.holding();
    Recorder free = Recorder.acking();
    backend.consume(spec("bob", 1), busy);
    backend.consume(spec("bob", 100), free);

    for (int i = 0; i < 10; i++) {
      backend.publish(directed("bob", i)).join();
    }

    assertThat(TestSpores.n(busy.next())).isZero();
    assertThat(free.next(9)).extracting(TestSpores::n).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9);
  }

  @Test
  void neverMoreUnsettledThanPrefetch() {
    Recorder alice = Recorder.holding();
    backend.consume(spec("alice", 3), alice);
    for (int i = 0; i < 10; i++) {
      backend.publish(directed("alice", i)).join();
    }

    List<Delivery> held = alice.next(3);
    await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1)).until(() -> alice.count() == 3);
    assertThat(backend.queuedForLocalConsumers()).isEqualTo(7);

    held.get(1).ack();
    assertThat(TestSpores.n(alice.next())).isEqualTo(3);
    await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1)).until(() -> alice.count() == 4);
  }

  @Test
  void prefetchHoldsUnderConcurrentPublishersAndAckers() throws Exception {
    int prefetch = 4;
    int total = 20_000;
    ExecutorService ackers = Executors.newFixedThreadPool(3);
    ExecutorService publishers = Executors.newFixedThreadPool(2);
    // Room for the whole burst: on a loaded machine consumers may lag far behind the publishers.
    InMemoryBroker roomy = InMemoryBroker.builder().maxQueueLength(total).build();
    ReefBackend backend = roomy.connect("reef");
    try {
      AtomicInteger handled = new AtomicInteger();
      AtomicInteger worstOverrun = new AtomicInteger();
      for (int c = 0; c < 2; c++) {
        AtomicInteger outstanding = new AtomicInteger();
        DeliveryHandler handler = Handlers.of(delivery -> {
          int now = outstanding.incrementAndGet();
          worstOverrun.accumulateAndGet(now - prefetch, Math::max);
          ackers.execute(() -> {
            outstanding.decrementAndGet(); // before the ack, which frees the slot
            handled.incrementAndGet();
            delivery.ack();
          });
        });
        backend.consume(spec("alice", prefetch), handler);
      }
      for (int p = 0; p < 2; p++) {
        int base = p * total / 2;
        publishers.execute(() -> {
          for (int i = 0; i < total / 2; i++) {
            backend.publish(directed("alice", base + i)).join();
          }
        });
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> handled.get() == total);
      assertThat(worstOverrun.get()).isLessThanOrEqualTo(0);
      assertThat(backend.queuedForLocalConsumers()).isZero();
    } finally {
      ackers.shutdownNow();
      publishers.shutdownNow();
      roomy.close();
    }
  }

  @Test
  void cancelStopsNewDeliveriesButLetsHeldOnesSettle() {
    Recorder alice = Recorder.holding();
    ConsumerHandle handle = backend.consume(spec("alice", 10), alice);
    backend.publish(directed("alice", 1)).join();
    Delivery held = alice.next();

    handle.cancel();
    handle.cancel(); // idempotent
    backend.publish(directed("alice", 2)).join();
    held.ack();

    await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1)).until(() -> alice.count() == 1);
    assertThat(backend.queuedForLocalConsumers()).isEqualTo(1);

    Recorder next = Recorder.acking();
    backend.consume(spec("alice", 10), next);
    assertThat(TestSpores.n(next.next())).isEqualTo(2); // the acked one is gone
  }

  @Test
  void settlingTwiceDoesNothing() {
    Recorder alice = Recorder.holding();
    backend.consume(spec("alice", 10), alice);
    backend.publish(directed("alice", 1)).join();
    Delivery delivery = alice.next();

    delivery.ack();
    delivery.requeue();
    delivery.retry(Duration.ZERO, "late");
    delivery.deadLetter(new dev.reef.spi.DeadLetterReason("late", 1, "alice"));

    await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1)).until(() -> alice.count() == 1);
    assertThat(backend.deadLetters().list()).isEmpty();
    assertThat(backend.queuedForLocalConsumers()).isZero();
  }

  @Test
  void aThrowingHandlerLosesItsConsumerAndItsDeliveriesGoElsewhere() {
    DeliveryHandler broken = Handlers.of(delivery -> {
      throw new IllegalStateException("boom");
    });
    backend.consume(spec("alice", 10), broken);
    backend.publish(directed("alice", 1)).join();

    Recorder healthy = Recorder.acking();
    backend.consume(spec("alice", 10), healthy);
    Delivery delivery = healthy.next();
    assertThat(TestSpores.n(delivery)).isEqualTo(1);
    assertThat(delivery.redelivered()).isTrue();
  }

  @Test
  void anErrorInAHandlerDoesNotStopTheQueue() {
    backend.consume(spec("alice", 10), Handlers.of(delivery -> {
      throw new AssertionError("an Error, not an exception");
    }));
    backend.publish(directed("alice", 1)).join();

    Recorder healthy = Recorder.acking();
    backend.consume(spec("alice", 10), healthy);
    backend.publish(directed("alice", 2)).join();
    assertThat(healthy.next(2)).extracting(TestSpores::n).containsExactly(1, 2);
  }

  @Test
  void noDeliveryReachesAHandlerBeforeConsumeReturned() {
    backend.consume(spec("alice", 1), Recorder.acking()).close();
    for (int i = 0; i < 100; i++) {
      backend.publish(directed("alice", i)).join();
    }
    Thread caller = Thread.currentThread();
    AtomicInteger onCallerThread = new AtomicInteger();
    AtomicInteger seen = new AtomicInteger();

    backend.consume(spec("alice", 100), Handlers.of(delivery -> {
      if (Thread.currentThread() == caller) { // only consume() itself could run it there
        onCallerThread.incrementAndGet();
      }
      seen.incrementAndGet();
      delivery.ack();
    }));

    await().atMost(Duration.ofSeconds(5)).until(() -> seen.get() == 100);
    assertThat(onCallerThread.get()).isZero();
  }

  @Test
  void presenceMessagesReachTheOtherConnectionsOfTheNamespaceOnly() throws Exception {
    ReefBackend second = broker.connect("reef");
    ReefBackend elsewhere = broker.connect("other");
    BlockingQueue<PresenceMessage> heardHere = new LinkedBlockingQueue<>();
    BlockingQueue<PresenceMessage> heardThere = new LinkedBlockingQueue<>();
    BlockingQueue<PresenceMessage> heardElsewhere = new LinkedBlockingQueue<>();
    PresenceLink here = backend.openPresence(heardHere::add);
    second.openPresence(heardThere::add);
    elsewhere.openPresence(heardElsewhere::add);

    PresenceMessage hello = new PresenceMessage(PresenceMessage.Kind.HELLO, "reef-1", "host", 42,
        Duration.ofSeconds(5), List.of());
    here.send(hello).join();

    assertThat(heardThere.poll(5, TimeUnit.SECONDS)).isEqualTo(hello);
    await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1))
        .until(() -> heardHere.isEmpty() && heardElsewhere.isEmpty());
  }
}
