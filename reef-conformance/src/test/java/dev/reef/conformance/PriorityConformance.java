package dev.reef.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.Subscription;
import dev.reef.SubscriptionOptions;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * SPEC §2 (priority): among waiting spores, higher priority is delivered first; spores of equal
 * priority keep their send order (SPEC §3.7).
 */
class PriorityConformance extends ConformanceTest {
  /** Priorities in a scrambled order, each of 1..10 three times. */
  private static final int[] PRIORITIES = {
      3, 9, 1, 5, 10, 2, 7, 4, 8, 6, 6, 1, 10, 3, 5, 9, 2, 8, 4, 7, 2, 8, 6, 4, 10, 7, 3, 1, 9, 5};

  /** One handled spore: the priority it was sent with and its place in the send order. */
  private record Sent(int priority, int n) {}

  @Test
  void sporesWaitingForAStoppedAgentAreDeliveredHighestPriorityFirst() {
    Reef reef = connect();
    Subscription stopped = channel(reef).subscribe("worker", (spore, context) -> null);
    stopped.close();
    sendWithPriorities(channel(connect()));

    Handled handled = new Handled();
    channel(reef).subscribe("worker", SubscriptionOptions.builder().prefetch(1).build(), handled.recorder());

    eventually().until(() -> handled.count() == PRIORITIES.length);
    assertThat(order(handled)).as("handling order (priority, send order)").isSortedAccordingTo(PRIORITY_THEN_SEND_ORDER);
  }

  @Test
  void sporesWaitingForABusyAgentAreDeliveredHighestPriorityFirst() {
    Reef reef = connect();
    Gate gate = newGate();
    Handled handled = new Handled();
    channel(reef).subscribe("worker", SubscriptionOptions.builder().prefetch(1).build(), (spore, context) -> {
      if (n(spore) < 0) {
        gate.pass(); // the blocker keeps the agent busy while the others queue up
      } else {
        handled.record(spore, context);
      }
      return null;
    });
    Channel channel = channel(reef);
    join(channel.send(Spore.builder(SporeType.KNOWLEDGE).from("client").to("worker").knowledge(n(-1)).priority(1)
        .build()));
    eventually().until(() -> gate.waiting() == 1);

    sendWithPriorities(channel);
    gate.open();

    eventually().until(() -> handled.count() == PRIORITIES.length);
    assertThat(order(handled)).as("handling order (priority, send order)").isSortedAccordingTo(PRIORITY_THEN_SEND_ORDER);
  }

  @Test
  void theDefaultPriorityIsFiveAndTravelsWithTheSpore() {
    Reef reef = connect();
    Handled handled = new Handled();
    channel(reef).subscribe("worker", handled.recorder());

    join(channel(reef).send("client", "worker", Map.of("n", 0)));
    join(channel(reef).send(Spore.builder(SporeType.KNOWLEDGE).from("client").to("worker").knowledge(n(1)).priority(10)
        .build()));

    eventually().until(() -> handled.count() == 2);
    assertThat(handled.entries()).extracting(entry -> entry.spore().priority()).containsExactlyInAnyOrder(5, 10);
  }

  private static final Comparator<Sent> PRIORITY_THEN_SEND_ORDER =
      Comparator.comparingInt(Sent::priority).reversed().thenComparingInt(Sent::n);

  private static List<Sent> order(Handled handled) {
    // The priority is read from the knowledge, so that a backend losing the field cannot pass.
    return handled.entries().stream()
        .map(entry -> new Sent(entry.spore().knowledge().get("priority").asInt(), entry.n())).toList();
  }

  private static void sendWithPriorities(Channel channel) {
    List<CompletableFuture<Void>> sends = new ArrayList<>();
    for (int i = 0; i < PRIORITIES.length; i++) {
      sends.add(channel.send(Spore.builder(SporeType.KNOWLEDGE).from("client").to("worker")
          .knowledge(Map.of("n", i, "priority", PRIORITIES[i])).priority(PRIORITIES[i]).build()));
    }
    joinAll(sends);
  }
}
