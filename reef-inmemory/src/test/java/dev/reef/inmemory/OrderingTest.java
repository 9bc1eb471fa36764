package dev.reef.inmemory;

import static dev.reef.inmemory.TestSpores.directed;
import static dev.reef.inmemory.TestSpores.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.spi.ConsumerHandle;
import dev.reef.spi.Delivery;
import dev.reef.spi.ReefBackend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OrderingTest {
  private final InMemoryBroker broker = InMemoryBroker.create();
  private final ReefBackend backend = broker.connect("reef");

  @AfterEach
  void closeBroker() {
    broker.close();
  }

  /** Creates alice's queue, then leaves it without consumers so that spores wait in it. */
  private void declareAlice() {
    backend.consume(spec("alice", 1), Recorder.acking()).close();
  }

  @Test
  void fifoWithinOnePriority() {
    declareAlice();
    for (int i = 0; i < 1000; i++) {
      backend.publish(directed("alice", i)).join();
    }
    Recorder alice = Recorder.acking();
    backend.consume(spec("alice", 1), alice);

    List<Integer> order = alice.next(1000).stream().map(TestSpores::n).toList();
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      expected.add(i);
    }
    assertThat(order).isEqualTo(expected);
  }

  @Test
  void higherPriorityFirstThenFifo() {
    declareAlice();
    int[][] sent = {{1, 1}, {2, 5}, {3, 10}, {4, 5}, {5, 1}, {6, 10}, {7, 7}};
    for (int[] spore : sent) {
      backend.publish(directed("alice", spore[0], spore[1])).join();
    }
    Recorder alice = Recorder.acking();
    backend.consume(spec("alice", 1), alice);

    assertThat(alice.next(sent.length)).extracting(TestSpores::n).containsExactly(3, 6, 7, 2, 4, 1, 5);
  }

  @Test
  void requeuedDeliveryGoesBackToTheHeadAsRedelivered() {
    declareAlice();
    for (int i = 0; i < 3; i++) {
      backend.publish(directed("alice", i)).join();
    }
    Recorder alice = Recorder.holding();
    backend.consume(spec("alice", 1), alice);

    Delivery first = alice.next();
    assertThat(TestSpores.n(first)).isZero();
    first.requeue();

    Delivery again = alice.next();
    assertThat(TestSpores.n(again)).isZero();
    assertThat(again.redelivered()).isTrue();
    assertThat(again.attempt()).isEqualTo(1);
    again.ack();
    assertThat(alice.next()).extracting(TestSpores::n).isEqualTo(1);
  }

  @Test
  void closingReturnsUnsettledDeliveriesToTheHeadInTheirOrder() {
    declareAlice();
    for (int i = 0; i < 5; i++) {
      backend.publish(directed("alice", i)).join();
    }
    Recorder first = Recorder.holding();
    ConsumerHandle handle = backend.consume(spec("alice", 3), first);
    List<Delivery> held = first.next(3);
    handle.close();

    Recorder second = Recorder.acking();
    backend.consume(spec("alice", 10), second);
    List<Delivery> got = second.next(5);
    assertThat(got).extracting(TestSpores::n).containsExactly(0, 1, 2, 3, 4);
    assertThat(got).extracting(Delivery::redelivered).containsExactly(true, true, true, false, false);
    held.forEach(Delivery::ack); // too late: ignored
    assertThat(backend.queuedForLocalConsumers()).isZero();
  }
}
