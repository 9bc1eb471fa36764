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
 * SPEC §3.5: spores for an agent name that subscribed before but has no running instance now wait
 * until an instance starts.
 */
class OfflineBufferingConformance extends ConformanceTest {
  private static final int SPORES = 100;
  private static final int MARKER = 1000;

  @Test
  void sporesWaitForAStoppedAgentUntilItStartsAgainInAnotherReef() {
    Reef before = connect();
    Subscription subscription = channel(before).subscribe("worker", (spore, context) -> null);
    subscription.close();
    assertThat(subscription.isActive()).isFalse();

    Reef sender = connect();
    sendNumbered(channel(sender), SPORES);
    join(channel(sender).send("client", "worker", n(MARKER)));

    Reef after = connect();
    Handled handled = new Handled();
    channel(after).subscribe("worker", handled.recorder());

    eventually().until(() -> handled.numbers().contains(MARKER));
    assertThat(handled.numbers()).as("each buffered spore handled once, then the marker")
        .containsExactlyInAnyOrderElementsOf(plus(upTo(SPORES), MARKER));
  }

  @Test
  void sporesWaitWhenTheWholeReefOfTheAgentClosed() {
    Reef gone = connect();
    channel(gone).subscribe("worker", (spore, context) -> null);
    gone.close();

    Reef sender = connect();
    sendNumbered(channel(sender), SPORES);
    join(channel(sender).send("client", "worker", n(MARKER)));

    Handled handled = new Handled();
    channel(sender).subscribe("worker", handled.recorder());

    eventually().until(() -> handled.numbers().contains(MARKER));
    assertThat(handled.numbers()).as("each buffered spore handled once, then the marker")
        .containsExactlyInAnyOrderElementsOf(plus(upTo(SPORES), MARKER));
  }

  @Test
  void aRestartedAgentDoesNotGetSporesHandledBeforeItStopped() {
    Reef reef = connect();
    Handled first = new Handled();
    Subscription subscription = channel(reef).subscribe("worker", first.recorder());
    sendNumbered(channel(reef), 10);
    eventually().until(() -> first.count() == 10);
    subscription.close();

    sendNumbered(channel(reef), 10, 20);
    join(channel(reef).send("client", "worker", n(MARKER)));
    Handled second = new Handled();
    channel(reef).subscribe("worker", second.recorder());

    eventually().until(() -> second.numbers().contains(MARKER));
    assertThat(second.numbers()).as("runs after the restart")
        .containsExactlyInAnyOrderElementsOf(plus(upTo(20).subList(10, 20), MARKER));
  }

  @Test
  void broadcastsWaitForAStoppedAgentToo() {
    Reef reef = connect();
    channel(reef).subscribe("listener", (spore, context) -> null).close();

    for (int i = 0; i < 10; i++) {
      join(channel(reef).broadcast("announcer", n(i)));
    }
    join(channel(reef).broadcast("announcer", n(MARKER)));
    Handled handled = new Handled();
    channel(connect()).subscribe("listener", handled.recorder());

    eventually().until(() -> handled.numbers().contains(MARKER));
    assertThat(handled.numbers()).containsExactlyInAnyOrderElementsOf(plus(upTo(10), MARKER));
  }

  private static void sendNumbered(Channel channel, int count) {
    sendNumbered(channel, 0, count);
  }

  private static void sendNumbered(Channel channel, int from, int to) {
    List<CompletableFuture<Void>> sends = new ArrayList<>();
    for (int i = from; i < to; i++) {
      sends.add(channel.send("client", "worker", n(i)));
    }
    joinAll(sends); // an agent that subscribed before is known: no UnknownDestinationException
  }
}
