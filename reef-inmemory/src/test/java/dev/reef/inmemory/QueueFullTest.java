package dev.reef.inmemory;

import static dev.reef.inmemory.TestSpores.directed;
import static dev.reef.inmemory.TestSpores.everyone;
import static dev.reef.inmemory.TestSpores.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.QueueFullException;
import dev.reef.spi.Delivery;
import dev.reef.spi.ReefBackend;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class QueueFullTest {
  private final InMemoryBroker broker = InMemoryBroker.builder().maxQueueLength(3).build();
  private final ReefBackend backend = broker.connect("reef");

  @AfterEach
  void closeBroker() {
    broker.close();
  }

  @Test
  void defaultLimitIsTenThousand() {
    try (InMemoryBroker defaults = InMemoryBroker.create()) {
      assertThat(defaults.maxQueueLength()).isEqualTo(10_000).isEqualTo(InMemoryBroker.DEFAULT_MAX_QUEUE_LENGTH);
    }
    assertThatThrownBy(() -> InMemoryBroker.builder().maxQueueLength(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxQueueLength");
  }

  @Test
  void aFullQueueRefusesPublishesNamingQueueAndLimit() {
    backend.consume(spec("alice", 1), Recorder.acking()).close();
    for (int i = 0; i < 3; i++) {
      backend.publish(directed("alice", i)).join();
    }

    assertThatThrownBy(() -> backend.publish(directed("alice", 3)).join())
        .cause().isInstanceOf(QueueFullException.class)
        .hasMessageContaining("reef.main.alice").hasMessageContaining("3");

    Recorder alice = Recorder.acking();
    backend.consume(spec("alice", 10), alice);
    assertThat(alice.next(3)).extracting(TestSpores::n).containsExactly(0, 1, 2);
    assertThat(backend.publish(directed("alice", 4))).succeedsWithin(Duration.ofSeconds(1));
  }

  @Test
  void unsettledDeliveriesDoNotCountTowardsTheLimit() {
    Recorder alice = Recorder.holding();
    backend.consume(spec("alice", 2), alice);
    fillHeldThenWaiting(alice);
    assertThatThrownBy(() -> backend.publish(directed("alice", 5)).join()).cause()
        .isInstanceOf(QueueFullException.class);
  }

  @Test
  void requeuedDeliveriesAreNeverRefused() {
    Recorder alice = Recorder.holding();
    var handle = backend.consume(spec("alice", 2), alice);
    fillHeldThenWaiting(alice);
    handle.close(); // 5 waiting now, over the limit of 3: nothing accepted is lost

    Recorder next = Recorder.acking();
    backend.consume(spec("alice", 10), next);
    assertThat(next.next(5)).extracting(TestSpores::n).containsExactly(0, 1, 2, 3, 4);
  }

  /** Spores 0 and 1 held by the consumer (prefetch 2), 2 to 4 waiting: the queue is full. */
  private void fillHeldThenWaiting(Recorder consumer) {
    backend.publish(directed("alice", 0)).join();
    backend.publish(directed("alice", 1)).join();
    assertThat(consumer.next(2)).extracting(TestSpores::n).containsExactly(0, 1);
    for (int i = 2; i < 5; i++) {
      backend.publish(directed("alice", i)).join();
    }
  }

  @Test
  void aBroadcastIsRefusedOnlyByTheFullQueues() {
    backend.consume(spec("alice", 1), Recorder.acking()).close();
    Recorder bob = Recorder.acking();
    backend.consume(spec("bob", 10), bob);
    for (int i = 0; i < 3; i++) {
      backend.publish(directed("alice", i)).join();
    }

    assertThatThrownBy(() -> backend.publish(everyone(9)).join())
        .cause().isInstanceOf(QueueFullException.class)
        .hasMessageContaining("reef.main.alice").hasMessageNotContaining("reef.main.bob");
    Delivery delivered = bob.next();
    assertThat(TestSpores.n(delivered)).isEqualTo(9);
  }
}
