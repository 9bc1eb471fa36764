package dev.reef.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.Reef;
import dev.reef.UnknownDestinationException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** SPEC §3.6: a directed spore to an agent name no one ever subscribed fails its send with a clear exception. */
class UnknownDestinationConformance extends ConformanceTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @Test
  void aSendToAnAgentNoOneEverSubscribedFails() {
    Reef reef = connect();
    channel(reef).subscribe("someone", (spore, context) -> null);

    CompletableFuture<Void> send = channel(reef).send("client", "nobody", Map.of("x", 1));

    assertThat(failureOf(send)).isInstanceOf(UnknownDestinationException.class).hasMessageContaining("nobody");
  }

  @Test
  void aRequestToAnAgentNoOneEverSubscribedFailsAtOnceNotByTimeout() {
    Reef reef = connect();

    CompletableFuture<?> request = channel(reef).request("client", "nobody", Map.of("x", 1), TIMEOUT);

    assertThat(failureOf(request, TIMEOUT.dividedBy(2)))
        .isInstanceOf(UnknownDestinationException.class).hasMessageContaining("nobody");
  }

  @Test
  void anAgentOfAnotherChannelIsUnknownOnThisOne() {
    Reef reef = connect();
    reef.channel(channelName() + "-other").subscribe("worker", (spore, context) -> null);

    CompletableFuture<Void> send = channel(reef).send("client", "worker", Map.of("x", 1));

    assertThat(failureOf(send)).isInstanceOf(UnknownDestinationException.class).hasMessageContaining("worker");
  }

  @Test
  void anAgentThatSubscribedInAnotherReefAndStoppedIsKnown() {
    Reef gone = connect();
    channel(gone).subscribe("worker", (spore, context) -> null);
    gone.close();

    Reef sender = connect();
    join(channel(sender).send("client", "worker", Map.of("x", 1)));
    // Control: a similar name that never subscribed is still unknown.
    assertThat(failureOf(channel(sender).send("client", "worker2", Map.of("x", 1))))
        .isInstanceOf(UnknownDestinationException.class);
  }
}
