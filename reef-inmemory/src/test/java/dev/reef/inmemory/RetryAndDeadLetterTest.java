package dev.reef.inmemory;

import static dev.reef.inmemory.TestSpores.CHANNEL;
import static dev.reef.inmemory.TestSpores.directed;
import static dev.reef.inmemory.TestSpores.everyone;
import static dev.reef.inmemory.TestSpores.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.reef.DeadLetter;
import dev.reef.QueueFullException;
import dev.reef.spi.DeadLetterReason;
import dev.reef.spi.Delivery;
import dev.reef.spi.ReefBackend;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RetryAndDeadLetterTest {
  private final InMemoryBroker broker = InMemoryBroker.create();
  private final ReefBackend backend = broker.connect("reef");

  @AfterEach
  void closeBroker() {
    broker.close();
  }

  @Test
  void retryComesBackAfterTheDelayAsTheNextAttempt() {
    Recorder alice = Recorder.holding();
    backend.consume(spec("alice", 10), alice);
    backend.publish(directed("alice", 1)).join();
    Delivery first = alice.next();

    long start = System.nanoTime();
    first.retry(Duration.ofMillis(200), "java.lang.RuntimeException: flaky");
    assertThat(backend.queuedForLocalConsumers()).as("a pending retry counts as queued").isEqualTo(1);

    Delivery second = alice.next();
    long waitedMillis = (System.nanoTime() - start) / 1_000_000;
    assertThat(waitedMillis).isGreaterThanOrEqualTo(200);
    assertThat(second.attempt()).isEqualTo(2);
    assertThat(second.redelivered()).isFalse();
    assertThat(second.spore()).isEqualTo(first.spore());

    second.retry(Duration.ZERO, "again");
    Delivery third = alice.next();
    assertThat(third.attempt()).isEqualTo(3);
    third.ack();
    await().atMost(Duration.ofSeconds(1)).until(() -> backend.queuedForLocalConsumers() == 0);
  }

  @Test
  void retriedBroadcastReturnsOnlyToTheAgentThatFailedIt() {
    Recorder alice = Recorder.holding();
    Recorder bob = Recorder.acking();
    backend.consume(spec("alice", 10), alice);
    backend.consume(spec("bob", 10), bob);
    backend.publish(everyone(1)).join();

    alice.next().retry(Duration.ofMillis(10), "failed");

    assertThat(alice.next().attempt()).isEqualTo(2);
    await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1)).until(() -> bob.count() == 1);
  }

  @Test
  void retryRejectsBadArguments() {
    Recorder alice = Recorder.holding();
    backend.consume(spec("alice", 10), alice);
    backend.publish(directed("alice", 1)).join();
    Delivery delivery = alice.next();

    assertThatThrownBy(() -> delivery.retry(Duration.ofMillis(-1), "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delay");
    assertThatThrownBy(() -> delivery.retry(null, "x")).hasMessageContaining("delay");
    assertThatThrownBy(() -> delivery.deadLetter(null)).hasMessageContaining("reason");
  }

  @Test
  void deadLettersAreListedOldestFirstReplayedAndPurged() {
    Recorder alice = Recorder.holding();
    backend.consume(spec("alice", 10), alice);
    for (int i = 0; i < 3; i++) {
      backend.publish(directed("alice", i)).join();
    }
    List<Delivery> deliveries = alice.next(3);
    Instant before = Instant.now();
    for (Delivery delivery : deliveries) {
      delivery.deadLetter(new DeadLetterReason("java.lang.IllegalStateException: bad " + TestSpores.n(delivery), 3,
          "alice"));
    }

    List<DeadLetter> letters = broker.connect("reef").deadLetters().list(); // the namespace's, from any connection
    assertThat(letters).hasSize(3);
    assertThat(letters).extracting(letter -> letter.spore().orElseThrow().knowledge().get("n").asInt()).containsExactly(0, 1, 2);
    DeadLetter first = letters.get(0);
    assertThat(first.id()).isNotBlank();
    assertThat(first.spore()).contains(deliveries.get(0).spore());
    assertThat(first.rawPayload()).isEmpty();
    assertThat(first.channel()).isEqualTo(CHANNEL);
    assertThat(first.agent()).isEqualTo("alice");
    assertThat(first.error()).isEqualTo("java.lang.IllegalStateException: bad 0");
    assertThat(first.attempts()).isEqualTo(3);
    assertThat(first.deadLetteredAt()).isBetween(before, Instant.now());
    assertThat(broker.connect("other").deadLetters().list()).isEmpty();

    CompletableFuture<Void> refused = backend.deadLetters().replay(letters.get(1).id(), letter -> {
      throw new IllegalStateException("not you");
    });
    assertThat(refused).failsWithin(Duration.ofSeconds(1)).withThrowableThat().withMessageContaining("not you");
    assertThat(backend.deadLetters().list()).as("a refused replay changes nothing").hasSize(3);

    backend.deadLetters().replay(letters.get(1).id(), letter -> letter.spore().orElseThrow()).join();
    Delivery replayed = alice.next();
    assertThat(TestSpores.n(replayed)).isEqualTo(1);
    assertThat(replayed.attempt()).isEqualTo(1);
    assertThat(backend.deadLetters().list()).extracting(DeadLetter::id)
        .containsExactly(letters.get(0).id(), letters.get(2).id());

    assertThatThrownBy(() -> backend.deadLetters().replay(letters.get(1).id(), letter -> letter.spore().orElseThrow()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(letters.get(1).id());
    assertThat(backend.deadLetters().purge()).isEqualTo(2);
    assertThat(backend.deadLetters().list()).isEmpty();
    assertThat(backend.deadLetters().purge()).isZero();
  }

  @Test
  void replayOfABroadcastGoesOnlyToTheAgentThatGaveUp() {
    Recorder alice = Recorder.holding();
    Recorder bob = Recorder.acking();
    backend.consume(spec("alice", 10), alice);
    backend.consume(spec("bob", 10), bob);
    backend.publish(everyone(1)).join();
    alice.next().deadLetter(new DeadLetterReason("failed", 1, "alice"));

    backend.deadLetters().replay(backend.deadLetters().list().get(0).id(), letter -> letter.spore().orElseThrow()).join();

    assertThat(alice.next().spore().isBroadcast()).isTrue();
    await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1)).until(() -> bob.count() == 1);
  }

  @Test
  void aRefusedReplayKeepsTheDeadLetter() {
    try (InMemoryBroker small = InMemoryBroker.builder().maxQueueLength(1).build()) {
      ReefBackend connection = small.connect("reef");
      Recorder alice = Recorder.holding();
      var handle = connection.consume(spec("alice", 1), alice);
      connection.publish(directed("alice", 1)).join();
      alice.next().deadLetter(new DeadLetterReason("failed", 1, "alice"));
      handle.cancel();
      connection.publish(directed("alice", 2)).join(); // fills the queue
      String id = connection.deadLetters().list().get(0).id();

      assertThatThrownBy(() -> connection.deadLetters().replay(id, letter -> letter.spore().orElseThrow()).join())
          .cause().isInstanceOf(QueueFullException.class);
      assertThat(connection.deadLetters().list()).extracting(DeadLetter::id).containsExactly(id);
    }
  }
}
