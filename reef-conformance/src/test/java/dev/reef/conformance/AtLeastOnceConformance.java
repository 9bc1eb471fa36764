package dev.reef.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.SporeHandler;
import dev.reef.Subscription;
import dev.reef.SubscriptionOptions;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SPEC §3.10: a spore is acknowledged only after its handler finished; one whose handler never
 * finished is handled by another instance; a window of recent ids suppresses duplicate handling.
 */
class AtLeastOnceConformance extends ConformanceTest {
  private static final int SPORES = 10;
  private static final int MARKER = 1000;

  @Test
  void sporesUnfinishedWhenAReefClosesAreHandledByAnotherInstance() {
    Reef doomed = connect();
    Reef survivor = connect();
    Reef sender = connect();
    Gate gate = newGate();
    channel(doomed).subscribe("worker", (spore, context) -> {
      gate.pass(); // never finishes before its Reef is gone
      return null;
    });
    sendNumbered(channel(sender), SPORES);
    eventually().until(() -> gate.waiting() == 1);

    Handled handled = new Handled();
    channel(survivor).subscribe("worker", handled.recorder());
    CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> doomed.close(Duration.ofMillis(200)));

    eventually().until(() -> handled.count() >= SPORES);
    gate.open();
    join(closing);
    // The abandoned run's late outcome settles nothing: the spore is neither dead nor handled again.
    // A marker sent now queues behind anything that late outcome could have put back.
    join(channel(sender).send("client", "worker", n(MARKER)));
    eventually().until(() -> handled.numbers().contains(MARKER));
    assertThat(handled.numbers()).as("spores handled by the surviving instance, then the marker")
        .containsExactlyInAnyOrderElementsOf(plus(upTo(SPORES), MARKER));
    assertThat(survivor.deadLetters().list()).filteredOn(dead -> dead.channel().equals(channelName())).isEmpty();
  }

  @Test
  void handlersStillRunningPastTheDrainTimeoutAreInterruptedAndTheirWorkersEnd() throws Exception {
    // The user's own Vert.x stays open when the Reef closes: only the Reef can get these handlers out.
    Vertx vertx = Vertx.vertx();
    try {
      Reef doomed = connect(builder -> builder.vertx(vertx));
      Reef sender = connect();
      Queue<String> ended = new ConcurrentLinkedQueue<>();
      Gate gate = newGate();
      channel(doomed).subscribe("sequential", stuckHandler(gate, ended));
      channel(doomed).subscribe("concurrent", SubscriptionOptions.builder().concurrent(3).build(),
          stuckHandler(gate, ended));
      join(channel(sender).send("client", "sequential", n(0)));
      sendNumbered(channel(sender), "concurrent", 3);
      eventually().until(() -> gate.waiting() == 4);
      assertThat(vertx.deploymentIDs()).as("worker deployments of the two agents' instances").hasSize(2);

      doomed.close(Duration.ofMillis(200));

      eventually().until(() -> ended.size() == 4);
      assertThat(ended).as("how each handler still running at the drain timeout ended")
          .containsOnly(InterruptedException.class.getName());
      eventually().until(() -> vertx.deploymentIDs().isEmpty());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** Waits at {@code gate}, and records how it stopped waiting. */
  private static SporeHandler stuckHandler(Gate gate, Queue<String> ended) {
    return (spore, context) -> {
      try {
        gate.pass(); // the test never opens it
        ended.add("passed the gate");
      } catch (InterruptedException | RuntimeException e) {
        ended.add(e.getClass().getName());
        throw e;
      }
      return null;
    };
  }

  @Test
  void closingASubscriptionFinishesItsHandlerAndReturnsUnstartedSpores() {
    Reef first = connect();
    Reef second = connect();
    Gate gate = newGate();
    Handled inFirst = new Handled();
    Subscription leaving = channel(first).subscribe("worker", (spore, context) -> {
      inFirst.record(spore, context);
      if (n(spore) == 0) {
        gate.pass();
      }
      return null;
    });
    sendNumbered(channel(second), SPORES);
    eventually().until(() -> gate.waiting() == 1);

    Handled inSecond = new Handled();
    channel(second).subscribe("worker", inSecond.recorder());
    CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> leaving.close(Duration.ofSeconds(5)));
    eventually().until(() -> !leaving.isActive());
    gate.open(); // the unfinished handler finishes within the drain timeout
    join(closing);

    eventually().until(() -> inSecond.count() >= SPORES - 1);
    join(channel(second).send("client", "worker", n(MARKER)));
    eventually().until(() -> inSecond.numbers().contains(MARKER));
    assertThat(inFirst.numbers()).as("spores handled by the closed instance").containsExactly(0);
    assertThat(inSecond.numbers()).as("spores handled by the other instance, then the marker")
        .containsExactlyInAnyOrderElementsOf(plus(upTo(SPORES).subList(1, SPORES), MARKER));
  }

  @Test
  void aSporeWhoseHandlerFinishedIsNotHandledAgain() {
    Reef first = connect();
    Handled inFirst = new Handled();
    channel(first).subscribe("worker", inFirst.recorder());
    sendNumbered(channel(first), SPORES);
    eventually().until(() -> inFirst.count() == SPORES && first.stats().inFlight() == 0);
    first.close();

    Reef second = connect();
    Handled inSecond = new Handled();
    channel(second).subscribe("worker", inSecond.recorder());
    join(channel(second).send("client", "worker", n(MARKER)));

    eventually().until(() -> inSecond.numbers().contains(MARKER));
    // Anything redelivered would have been queued before the marker.
    assertThat(inSecond.numbers()).as("spores handled after the restart").containsExactly(MARKER);
  }

  @Test
  void theSameSporeSentTwiceIsHandledOnceAndCountedAsADuplicate() {
    Reef receiver = connect();
    Reef sender = connect();
    Handled handled = new Handled();
    channel(receiver).subscribe("worker", handled.recorder());
    Spore twice = Spore.builder(SporeType.KNOWLEDGE).from("client").to("worker").knowledge(n(1)).build();

    join(channel(sender).send(twice));
    join(channel(sender).send(twice));
    join(channel(sender).send("client", "worker", n(MARKER)));

    eventually().until(() -> handled.numbers().contains(MARKER));
    eventually().until(() -> receiver.stats().duplicates() == 1);
    assertThat(handled.numbers()).as("spores handled").containsExactly(1, MARKER);
  }

  @Test
  void aDuplicateArrivingWhileTheFirstCopyIsHandledIsSuppressed() {
    Reef receiver = connect();
    Gate gate = newGate();
    Handled handled = new Handled();
    channel(receiver).subscribe("worker", SubscriptionOptions.builder().concurrent(4).build(), (spore, context) -> {
      handled.record(spore, context);
      gate.pass();
      return null;
    });
    Spore twice = Spore.builder(SporeType.KNOWLEDGE).from("client").to("worker").knowledge(n(1)).build();

    join(channel(receiver).send(twice));
    join(channel(receiver).send(twice));

    eventually().until(() -> receiver.stats().duplicates() == 1);
    gate.open();
    join(channel(receiver).send("client", "worker", n(MARKER)));
    eventually().until(() -> handled.numbers().contains(MARKER));
    assertThat(handled.numbers()).as("spores handled").containsExactlyInAnyOrder(1, MARKER);
  }


  private static void sendNumbered(Channel channel, int count) {
    sendNumbered(channel, "worker", count);
  }

  private static void sendNumbered(Channel channel, String to, int count) {
    List<CompletableFuture<Void>> sends = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      sends.add(channel.send("client", to, n(i)));
    }
    joinAll(sends);
  }
}
