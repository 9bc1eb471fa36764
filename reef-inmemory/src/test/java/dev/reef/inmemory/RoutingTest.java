package dev.reef.inmemory;

import static dev.reef.inmemory.TestSpores.CHANNEL;
import static dev.reef.inmemory.TestSpores.directed;
import static dev.reef.inmemory.TestSpores.everyone;
import static dev.reef.inmemory.TestSpores.n;
import static dev.reef.inmemory.TestSpores.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.reef.UnknownDestinationException;
import dev.reef.spi.ConsumerHandle;
import dev.reef.spi.Outbound;
import dev.reef.spi.ReefBackend;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RoutingTest {
  private final InMemoryBroker broker = InMemoryBroker.create();
  private final ReefBackend backend = broker.connect("reef");

  @AfterEach
  void closeBroker() {
    broker.close();
  }

  @Test
  void directedSporeReachesOnlyItsAgent() {
    Recorder alice = Recorder.acking();
    Recorder bob = Recorder.acking();
    backend.consume(spec("alice", 10), alice);
    backend.consume(spec("bob", 10), bob);

    backend.publish(directed("alice", 1)).join();

    assertThat(n(alice.next())).isEqualTo(1);
    await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1)).until(() -> bob.count() == 0);
  }

  @Test
  void broadcastReachesEveryAgentQueueOnce() {
    Recorder alice = Recorder.acking();
    Recorder bob = Recorder.acking();
    Recorder bobToo = Recorder.acking();
    backend.consume(spec("alice", 10), alice);
    backend.consume(spec("bob", 10), bob);
    backend.consume(spec("bob", 10), bobToo); // a second instance of bob shares bob's queue

    backend.publish(everyone(7)).join();

    assertThat(n(alice.next())).isEqualTo(7);
    await().atMost(Duration.ofSeconds(5)).until(() -> bob.count() + bobToo.count() == 1);
    await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1))
        .until(() -> alice.count() == 1 && bob.count() + bobToo.count() == 1);
  }

  @Test
  void broadcastWithNoQueueSucceeds() {
    assertThat(backend.publish(everyone(1))).succeedsWithin(Duration.ofSeconds(1));
  }

  @Test
  void directedSporeToAnAgentThatNeverSubscribedFails() {
    backend.consume(spec("alice", 1), Recorder.acking());

    assertThatThrownBy(() -> backend.publish(directed("nobody", 1)).join())
        .isInstanceOf(CompletionException.class)
        .cause().isInstanceOf(UnknownDestinationException.class)
        .hasMessageContaining("nobody").hasMessageContaining(CHANNEL);
    assertThatThrownBy(() -> backend.publish(Outbound.of("empty", TestSpores.to("alice", 1), null)).join())
        .cause().isInstanceOf(UnknownDestinationException.class).hasMessageContaining("empty");
  }

  @Test
  void queueOutlivesItsConsumersAndBuffersUntilTheNextOne() {
    ConsumerHandle first = backend.consume(spec("alice", 10), Recorder.acking());
    first.close();

    for (int i = 0; i < 3; i++) {
      backend.publish(directed("alice", i)).join();
    }
    assertThat(backend.queuedForLocalConsumers()).isZero(); // no local consumer on that queue now

    Recorder later = Recorder.acking();
    ReefBackend otherJvm = broker.connect("reef");
    otherJvm.consume(spec("alice", 10), later);

    assertThat(later.next(3)).extracting(TestSpores::n).containsExactly(0, 1, 2);
  }

  @Test
  void namespacesAndChannelsIsolate() {
    ReefBackend otherNamespace = broker.connect("other");
    Recorder here = Recorder.acking();
    Recorder there = Recorder.acking();
    Recorder elsewhere = Recorder.acking();
    backend.consume(spec("alice", 10), here);
    otherNamespace.consume(spec("alice", 10), there);
    backend.consume(new dev.reef.spi.ConsumerSpec("side", "alice", "i", 10), elsewhere);

    backend.publish(everyone(1)).join();
    otherNamespace.publish(directed("alice", 2)).join();

    assertThat(n(here.next())).isEqualTo(1);
    assertThat(n(there.next())).isEqualTo(2);
    await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1))
        .until(() -> here.count() == 1 && there.count() == 1 && elsewhere.count() == 0);
  }

  @Test
  void deliveryCarriesChannelReplyAddressAndFirstAttempt() {
    Recorder alice = Recorder.holding();
    backend.consume(spec("alice", 10), alice);

    backend.publish(Outbound.of(CHANNEL, TestSpores.to("alice", 1), "memory-reply:x")).join();

    var delivery = alice.next();
    assertThat(delivery.channel()).isEqualTo(CHANNEL);
    assertThat(delivery.replyAddress()).isEqualTo("memory-reply:x");
    assertThat(delivery.attempt()).isEqualTo(1);
    assertThat(delivery.redelivered()).isFalse();
  }
}
