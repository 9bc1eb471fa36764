package dev.reef.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** SPEC §3.1: a directed spore is handled by exactly one running instance of its agent, round-robin. */
class DirectedDeliveryConformance extends ConformanceTest {
  private static final int SPORES = 60;
  private static final int MARKER = 1000;

  @Test
  void eachSporeIsHandledByExactlyOneInstanceAndEveryInstanceTakesAShare() {
    Reef first = connect();
    Reef second = connect();
    Reef sender = connect();
    Handled handled = new Handled();
    channel(first).subscribe("worker", handled.recorder());
    channel(first).subscribe("worker", handled.recorder());
    channel(second).subscribe("worker", handled.recorder());

    Channel out = channel(sender);
    List<CompletableFuture<Void>> sends = new ArrayList<>();
    for (int i = 0; i < SPORES; i++) {
      sends.add(out.send("client", "worker", n(i)));
    }
    joinAll(sends);

    eventually().until(() -> handled.count() >= SPORES);
    Map<String, Long> perInstance = handled.countByInstance();
    // One marker per instance, sent after the rest: once all are handled, nothing sent before is still due.
    for (int i = 0; i < 3; i++) {
      join(out.send("client", "worker", n(MARKER + i)));
    }
    eventually().until(() -> handled.count() >= SPORES + 3);
    assertThat(handled.numbers()).as("every spore handled exactly once, then the markers")
        .containsExactlyInAnyOrderElementsOf(plus(upTo(SPORES), MARKER, MARKER + 1, MARKER + 2));
    // Round-robin over 3 instances gives each about 20; all or most to one instance is not sharing.
    assertThat(perInstance).as("spores per instance").hasSize(3)
        .allSatisfy((instance, count) -> assertThat(count).as("spores handled by %s", instance).isGreaterThanOrEqualTo(SPORES / 6));
  }

  @Test
  void aSporeReachesOnlyItsRecipient() {
    Reef reef = connect();
    Handled handled = new Handled();
    Channel channel = channel(reef);
    channel.subscribe("alice", handled.recorder());
    channel.subscribe("bob", handled.recorder());
    channel.subscribe("client", handled.recorder());

    for (int i = 0; i < 10; i++) {
      join(channel.send("client", "alice", n(i)));
    }

    // A marker to each agent queues behind anything misrouted to it.
    for (String agent : List.of("alice", "bob", "client")) {
      join(channel.send("client", agent, n(MARKER)));
    }

    eventually().until(() -> List.of("alice", "bob", "client").stream()
        .allMatch(agent -> handled.numbersOf(agent).contains(MARKER)));
    assertThat(handled.numbersOf("alice")).containsExactlyInAnyOrderElementsOf(plus(upTo(10), MARKER));
    assertThat(handled.numbersOf("bob")).as("spores handled by bob").containsExactly(MARKER);
    assertThat(handled.numbersOf("client")).as("spores handled by the sender's own name").containsExactly(MARKER);
  }

  @Test
  void theSporeArrivesWithEveryFieldIntact() {
    Reef receiver = connect();
    Reef sender = connect();
    AtomicReference<Spore> received = new AtomicReference<>();
    channel(receiver).subscribe("recipient", (spore, context) -> {
      received.set(spore);
      return null;
    });

    Spore sent = Spore.builder(SporeType.NOTIFICATION)
        .from("sender")
        .to("recipient")
        .knowledge(Map.of("text", "grüße 🌊", "nested", Map.of("list", List.of(1, 2.5, true)), "none", "x"))
        .expiresAt(Instant.now().plus(1, ChronoUnit.HOURS))
        .priority(7)
        .metadata("trace", "abc-123")
        .metadata("weights", List.of(0.25, 0.75))
        .knowledgeReferences(List.of("kb://facts/1"))
        .dataReferences(List.of("s3://bucket/data.csv", "file:///tmp/x"))
        .build();
    join(channel(sender).send(sent));

    eventually().until(() -> received.get() != null);
    assertThat(received.get()).as("the spore as handled").isEqualTo(sent);
  }

}
