package dev.reef.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.ReefStats;
import dev.reef.RequestTimeoutException;
import dev.reef.Subscription;
import dev.reef.SubscriptionOptions;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** SPEC §3.8: an expired spore is dropped and counted, never handed to a handler. */
class ExpiryConformance extends ConformanceTest {
  private static final int MARKER = 1000;

  @Test
  void sporesThatExpireWhileWaitingAreNeverHandledAndAreCounted() {
    Reef before = connect();
    Subscription stopped = channel(before).subscribe("worker", (spore, context) -> null);
    stopped.close();

    Reef sender = connect();
    Channel out = channel(sender);
    Instant expiry = Instant.now().plusMillis(300);
    for (int i = 0; i < 10; i++) {
      join(out.send(knowledge(i).expiresAt(expiry).build()));
    }
    join(out.send(knowledge(MARKER).build()));
    eventually().until(() -> Instant.now().isAfter(expiry.plusMillis(50))); // let the waiting spores expire

    Reef after = connect();
    Handled handled = new Handled();
    channel(after).subscribe("worker", handled.recorder());

    eventually().until(() -> handled.numbers().contains(MARKER));
    eventually().untilAsserted(() -> assertThat(total(ReefStats::expired)).as("expired spores counted").isEqualTo(10));
    assertThat(handled.numbers()).as("spores handled").containsExactly(MARKER);
  }

  @Test
  void aSporeAlreadyExpiredWhenSentIsNeverHandled() {
    Reef receiver = connect();
    Reef sender = connect();
    Handled handled = new Handled();
    channel(receiver).subscribe("worker", handled.recorder());

    CompletableFuture<Void> stale = channel(sender).send(knowledge(1).expiresAt(Instant.now().minusSeconds(1)).build());
    stale.handle((ok, error) -> null).join(); // the rule is about handling; the send may complete or fail
    join(channel(sender).send(knowledge(MARKER).build()));

    eventually().until(() -> handled.numbers().contains(MARKER));
    eventually().untilAsserted(() -> assertThat(total(ReefStats::expired)).as("expired spores counted").isEqualTo(1));
    assertThat(handled.numbers()).as("spores handled").containsExactly(MARKER);
  }

  @Test
  void aRequestThatTimedOutWhileQueuedIsNeverHandled() {
    Reef receiver = connect();
    Reef requester = connect();
    Gate gate = newGate();
    Handled handled = new Handled();
    channel(receiver).subscribe("busy", SubscriptionOptions.builder().prefetch(1).build(), (spore, context) -> {
      handled.record(spore, context);
      if (n(spore) == 0) {
        gate.pass();
      }
      return n(0);
    });
    Channel channel = channel(requester);
    join(channel.send("client", "busy", n(0)));
    eventually().until(() -> gate.waiting() == 1);

    CompletableFuture<Spore> request = channel.request("client", "busy", n(1), Duration.ofMillis(200));
    assertThat(failureOf(request)).isInstanceOf(RequestTimeoutException.class);
    join(channel.send("client", "busy", n(MARKER)));
    gate.open();

    eventually().until(() -> handled.numbers().contains(MARKER));
    eventually().untilAsserted(() -> assertThat(total(ReefStats::expired)).as("expired spores counted").isEqualTo(1));
    assertThat(handled.numbers()).as("spores handled").containsExactly(0, MARKER);
  }

  private static Spore.Builder knowledge(int n) {
    return Spore.builder(SporeType.KNOWLEDGE).from("client").to("worker").knowledge(n(n));
  }
}
