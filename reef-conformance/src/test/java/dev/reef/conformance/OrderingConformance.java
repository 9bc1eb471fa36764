package dev.reef.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.Subscription;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * SPEC §3.7: spores from one sender instance to an agent with one instance and sequential handling
 * arrive in send order.
 */
class OrderingConformance extends ConformanceTest {
  private static final int SPORES = 500;

  @Test
  void sporesFromOneSenderArriveInSendOrder() {
    Reef receiver = connect();
    Reef sender = connect();
    Handled handled = new Handled();
    channel(receiver).subscribe("sequential", handled.recorder());

    sendInOrder(channel(sender), 0, SPORES);

    eventually().until(() -> handled.count() >= SPORES);
    assertThat(handled.numbers()).as("handling order").containsExactlyElementsOf(upTo(SPORES));
  }

  @Test
  void sporesBufferedWhileTheAgentWasStoppedArriveInSendOrder() {
    Reef receiver = connect();
    Subscription stopped = channel(receiver).subscribe("sequential", (spore, context) -> null);
    stopped.close();
    Reef sender = connect();

    sendInOrder(channel(sender), 0, SPORES);
    Handled handled = new Handled();
    channel(receiver).subscribe("sequential", handled.recorder());

    eventually().until(() -> handled.count() >= SPORES);
    assertThat(handled.numbers()).as("handling order").containsExactlyElementsOf(upTo(SPORES));
  }

  @Test
  void sporesSentBeforeAndAfterTheAgentStartedStayInOrder() {
    Reef receiver = connect();
    Subscription stopped = channel(receiver).subscribe("sequential", (spore, context) -> null);
    stopped.close();
    Reef sender = connect();

    sendInOrder(channel(sender), 0, SPORES / 2);
    Handled handled = new Handled();
    channel(receiver).subscribe("sequential", handled.recorder());
    sendInOrder(channel(sender), SPORES / 2, SPORES);

    eventually().until(() -> handled.count() >= SPORES);
    assertThat(handled.numbers()).as("handling order").containsExactlyElementsOf(upTo(SPORES));
  }

  /** Sends without waiting between spores, as a busy sender would, then waits for every send. */
  private static void sendInOrder(Channel channel, int from, int to) {
    List<CompletableFuture<Void>> sends = new ArrayList<>();
    for (int i = from; i < to; i++) {
      sends.add(channel.send("producer", "sequential", n(i)));
    }
    joinAll(sends);
  }
}
