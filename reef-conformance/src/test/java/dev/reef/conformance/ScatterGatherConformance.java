package dev.reef.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.RetryPolicy;
import dev.reef.ScatterTarget;
import dev.reef.SporeHandler;
import dev.reef.SubscriptionOptions;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SPEC §3.4: a scatter asks every running agent on the channel, or every agent with a capability,
 * and gathers the replies that come before the deadline.
 */
class ScatterGatherConformance extends ConformanceTest {
  private static final Duration DEADLINE = Duration.ofSeconds(5);

  @Test
  void aScatterToAllAgentsGathersOneReplyPerOtherAgentAndEndsWhenAllAnswered() throws Exception {
    Reef first = connect();
    Reef second = connect();
    Reef coordinator = connect();
    Handled handled = new Handled();
    channel(first).subscribe("north", answering(handled));
    channel(first).subscribe("south", answering(handled));
    channel(second).subscribe("south", answering(handled)); // a second instance: the name answers once
    channel(second).subscribe("east", answering(handled));
    channel(coordinator).subscribe("coordinator", answering(handled));
    Channel channel = channel(coordinator);
    awaitScatterReaches(channel, "coordinator", ScatterTarget.allAgents(), "north", "south", "east");

    long start = System.nanoTime();
    List<Spore> replies = channel.scatter("coordinator", Map.of("q", "who is there?"), ScatterTarget.allAgents(), DEADLINE)
        .get(DEADLINE.toMillis() / 2, TimeUnit.MILLISECONDS); // all answered: no wait for the deadline
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

    assertThat(replies).extracting(Spore::fromAgent).containsExactlyInAnyOrder("north", "south", "east");
    assertThat(replies).extracting(reply -> reply.knowledge().getString("agent"))
        .containsExactlyInAnyOrder("north", "south", "east");
    assertThat(elapsedMillis).as("ms until the gathered replies came").isLessThan(DEADLINE.toMillis() / 2);
    assertThat(handled.countFor("coordinator")).as("runs of the sender's own name").isZero();
  }

  @Test
  void aScatterByCapabilityAsksOnlyTheAgentsOfferingIt() throws Exception {
    Reef first = connect();
    Reef second = connect();
    Handled handled = new Handled();
    channel(first).subscribe("french", SubscriptionOptions.builder().capabilities("translate").build(), answering(handled));
    channel(second).subscribe("german", SubscriptionOptions.builder().capabilities("translate", "summarize").build(),
        answering(handled));
    channel(second).subscribe("digest", SubscriptionOptions.builder().capabilities("summarize").build(), answering(handled));
    channel(first).subscribe("plain", answering(handled));
    Channel channel = channel(first);
    awaitScatterReaches(channel, "client", ScatterTarget.capability("translate"), "french", "german");

    List<Spore> replies = join(channel.scatter("client", Map.of("text", "hello"), ScatterTarget.capability("translate"),
        DEADLINE));

    assertThat(replies).extracting(Spore::fromAgent).containsExactlyInAnyOrder("french", "german");
    // Markers: a spore to 'plain', and the next scatter to 'digest', queue behind any question misrouted to them.
    join(channel.send("client", "plain", n(1)));
    List<Spore> summaries = join(channel.scatter("client", Map.of("text", "hello"), ScatterTarget.capability("summarize"),
        DEADLINE));
    assertThat(summaries).extracting(Spore::fromAgent).containsExactlyInAnyOrder("german", "digest");
    eventually().until(() -> handled.countFor("plain") >= 1);
    assertThat(handled.of("digest")).extracting(entry -> entry.spore().type())
        .as("spores handled by an agent without the capability: the later scatter's only").containsExactly(SporeType.REQUEST);
    assertThat(handled.of("plain")).extracting(entry -> entry.spore().type())
        .as("spores handled by an agent without capabilities: the marker only").containsExactly(SporeType.KNOWLEDGE);
  }

  @Test
  void repliesAfterTheDeadlineAndFailedAnswersAreLeftOut() throws Exception {
    Reef reef = connect();
    Gate gate = newGate();
    Handled handled = new Handled();
    Channel channel = channel(reef);
    channel.subscribe("quick", answering(handled));
    channel.subscribe("slow", (spore, context) -> {
      gate.pass();
      return Map.of("agent", "slow");
    });
    channel.subscribe("broken", SubscriptionOptions.builder().retry(RetryPolicy.attempts(1)).build(),
        (spore, context) -> {
          throw new IllegalStateException("broken on purpose");
        });

    Duration deadline = Duration.ofSeconds(1);
    CompletableFuture<List<Spore>> gathered = channel.scatter("client", Map.of("q", "?"), ScatterTarget.allAgents(), deadline);

    List<Spore> replies = join(gathered);
    assertThat(replies).extracting(Spore::fromAgent).containsExactly("quick");
    assertThat(gate.arrived()).as("'slow' was asked").isEqualTo(1);
  }

  @Test
  void aScatterWithNoOneToAskGathersNothing() {
    Reef reef = connect();
    channel(reef).subscribe("loner", (spore, context) -> Map.of("agent", "loner"));

    assertThat(join(channel(reef).scatter("loner", Map.of(), ScatterTarget.allAgents(), DEADLINE))).isEmpty();
    assertThat(join(channel(reef).scatter("client", Map.of(), ScatterTarget.capability("nobody-has-this"), DEADLINE)))
        .isEmpty();
  }

  private static SporeHandler answering(Handled handled) {
    return (spore, context) -> {
      handled.record(spore, context);
      return Map.of("agent", context.agentName());
    };
  }

  /**
   * Waits until a scatter reaches exactly these agents. Backends may learn of agents in other
   * connections with a delay (presence), which SPEC §3.4 allows: only running agents are asked.
   */
  private static void awaitScatterReaches(Channel channel, String from, ScatterTarget target, String... agents) {
    eventually().untilAsserted(() -> assertThat(join(channel.scatter(from, Map.of("probe", true), target, DEADLINE)))
        .extracting(Spore::fromAgent).containsExactlyInAnyOrder(agents));
  }
}
