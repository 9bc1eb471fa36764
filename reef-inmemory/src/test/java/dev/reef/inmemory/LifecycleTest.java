package dev.reef.inmemory;

import static dev.reef.inmemory.TestSpores.directed;
import static dev.reef.inmemory.TestSpores.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.ReefClosedException;
import dev.reef.spi.Delivery;
import dev.reef.spi.ReefBackend;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class LifecycleTest {
  private final InMemoryBroker broker = InMemoryBroker.create();
  private final ReefBackend backend = broker.connect("reef");

  @AfterEach
  void closeBroker() {
    broker.close();
  }

  @Test
  void closingAConnectionRequeuesItsUnsettledDeliveriesForOtherConnections() {
    Recorder mine = Recorder.holding();
    backend.consume(spec("alice", 5), mine);
    for (int i = 0; i < 3; i++) {
      backend.publish(directed("alice", i)).join();
    }
    List<Delivery> held = mine.next(3);

    backend.close();
    backend.close(); // idempotent
    held.get(0).ack(); // ignored: the connection is gone

    Recorder theirs = Recorder.acking();
    broker.connect("reef").consume(spec("alice", 5), theirs);
    assertThat(theirs.next(3)).extracting(TestSpores::n).containsExactly(0, 1, 2);
    assertThat(theirs.all()).allMatch(Delivery::redelivered);
  }

  @Test
  void aClosedConnectionRefusesUseWithAClearMessage() {
    backend.close();
    List<Executable> uses = List.of(
        () -> backend.publish(directed("alice", 1)),
        () -> backend.consume(spec("alice", 1), Recorder.acking()),
        () -> backend.openReplyEndpoint((reply, user) -> { }),
        () -> backend.sendReply("memory-reply:x", reply()),
        backend::deadLetters,
        () -> backend.openPresence(message -> { }));
    for (Executable use : uses) {
      assertThatThrownBy(use::execute).isInstanceOf(ReefClosedException.class)
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
    assertThat(backend.queuedForLocalConsumers()).isZero();
  }

  @Test
  void aClosedBrokerClosesItsConnectionsAndRefusesNewOnes() {
    broker.close();
    broker.close(); // idempotent

    assertThat(broker.isClosed()).isTrue();
    assertThatThrownBy(() -> backend.publish(directed("alice", 1))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("broker");
    assertThatThrownBy(() -> broker.connect("reef")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void entryPointsRejectBadArguments() {
    assertThatThrownBy(() -> broker.connect("not valid")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("namespace");
    assertThatThrownBy(() -> broker.connect(null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> backend.publish(null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("message");
    assertThatThrownBy(() -> backend.consume(null, Recorder.acking())).hasMessageContaining("spec");
    assertThatThrownBy(() -> backend.consume(spec("alice", 1), null)).hasMessageContaining("handler");
    assertThatThrownBy(() -> backend.openReplyEndpoint(null)).hasMessageContaining("handler");
    assertThatThrownBy(() -> backend.sendReply(null, reply())).hasMessageContaining("replyAddress");
    assertThatThrownBy(() -> backend.sendReply("memory-reply:x", null)).hasMessageContaining("reply");
    assertThatThrownBy(() -> backend.deadLetters().replay(null, letter -> letter.spore().orElseThrow())).hasMessageContaining("id");
    assertThatThrownBy(() -> backend.openPresence(null)).hasMessageContaining("listener");
  }

  @Test
  void queuedForLocalConsumersCountsOnlyQueuesThisConnectionConsumes() {
    ReefBackend other = broker.connect("reef");
    Recorder alice = Recorder.holding();
    Recorder bob = Recorder.holding();
    backend.consume(spec("alice", 1), alice);
    other.consume(spec("bob", 1), bob);
    for (int i = 0; i < 3; i++) {
      backend.publish(directed("alice", i)).join();
      backend.publish(directed("bob", i)).join();
    }
    alice.next();
    bob.next();

    assertThat(backend.queuedForLocalConsumers()).isEqualTo(2); // one of alice's three is held
    assertThat(other.queuedForLocalConsumers()).isEqualTo(2);
    Recorder otherAlice = Recorder.holding();
    other.consume(spec("alice", 1), otherAlice);
    otherAlice.next();
    assertThat(other.queuedForLocalConsumers()).isEqualTo(3); // alice's last one, bob's two
  }

  private static Spore reply() {
    return Spore.builder(SporeType.RESPONSE).from("bob").to("alice").replyTo("r").build();
  }
}
