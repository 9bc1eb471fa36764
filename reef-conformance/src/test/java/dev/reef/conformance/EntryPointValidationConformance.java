package dev.reef.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.ReefClosedException;
import dev.reef.RetryPolicy;
import dev.reef.ScatterTarget;
import dev.reef.SporeHandler;
import dev.reef.SubscriptionOptions;
import dev.reef.UnknownDestinationException;
import dev.reef.spore.InvalidSporeException;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * SPEC §2: every entry point validates before anything is sent, and fails with an exception whose
 * type and message name the problem. A Reef used after close fails with {@link ReefClosedException}.
 */
class EntryPointValidationConformance extends ConformanceTest {
  private static final int DEFAULT_LIMIT = 10 * 1024 * 1024;
  private static final SporeHandler IGNORE = (spore, context) -> null;
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @Test
  void invalidAgentNamesAreRejectedNamingTheName() {
    Channel channel = channel(connect());

    assertThatThrownBy(() -> channel.subscribe("bad name!", IGNORE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("agent name").hasMessageContaining("bad name!");
    assertThatThrownBy(() -> channel.subscribe("", IGNORE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("agent name").hasMessageContaining("empty");
    assertThatThrownBy(() -> channel.subscribe("a".repeat(129), IGNORE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("agent name").hasMessageContaining("128");
    assertThatThrownBy(() -> channel.subscribe(null, IGNORE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("agent name").hasMessageContaining("null");
    assertThatThrownBy(() -> channel.subscribe("history", IGNORE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'history' is reserved");
    assertInvalidField("to_agent", () -> channel.send("client", "who/me", n(1)), "who/me");
    assertInvalidField("from_agent", () -> channel.send("client.1", "worker", n(1)), "client.1");
    assertInvalidField("to_agent", () -> channel.request("client", "x y", n(1), TIMEOUT), "x y");
    assertInvalidField("from_agent", () -> channel.broadcast("ü", n(1)), "ü");
  }

  @Test
  void invalidChannelNamesAreRejectedNamingTheName() {
    Reef reef = connect();

    assertThatThrownBy(() -> reef.channel("with space"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("channel name").hasMessageContaining("with space");
    assertThatThrownBy(() -> reef.channel("dots.are.not.allowed"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("channel name")
        .hasMessageContaining("dots.are.not.allowed");
    assertThatThrownBy(() -> reef.channel(""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("channel name").hasMessageContaining("empty");
    assertThatThrownBy(() -> reef.channel("c".repeat(129)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("channel name").hasMessageContaining("128");
  }

  @Test
  void knowledgeThatIsNotAJsonObjectIsRejected() {
    Reef reef = connect();
    Channel channel = channel(reef);
    Handled handled = new Handled();
    channel.subscribe("worker", handled.recorder());

    assertInvalidField("knowledge", () -> channel.send("client", "worker", List.of(1, 2)), "array");
    assertInvalidField("knowledge", () -> channel.send("client", "worker", "just text"), "string");
    assertInvalidField("knowledge", () -> channel.send("client", "worker", 42), "number");
    assertInvalidField("knowledge", () -> channel.broadcast("client", true), "boolean");
    assertInvalidField("knowledge", () -> channel.request("client", "worker", List.of(), TIMEOUT), "array");

    join(channel.send("client", "worker", n(1))); // a marker: a rejected spore would be queued before it
    eventually().until(() -> handled.count() >= 1);
    assertThat(handled.numbers()).as("spores that reached the handler").containsExactly(1);
  }

  @Test
  void knowledgeOverTheDefaultLimitIsRejected() {
    Reef reef = connect();
    Channel channel = channel(reef);
    Handled handled = new Handled();
    channel.subscribe("worker", handled.recorder());
    Map<String, Object> eleven = Map.of("blob", "x".repeat(11 * 1024 * 1024));

    assertInvalidField("knowledge", () -> channel.send("client", "worker", eleven), String.valueOf(DEFAULT_LIMIT));
    assertInvalidField("knowledge", () -> channel.broadcast("client", eleven), String.valueOf(DEFAULT_LIMIT));
    assertInvalidField("knowledge", () -> channel.request("client", "worker", eleven, TIMEOUT),
        String.valueOf(DEFAULT_LIMIT));
    assertThat(reef.stats().sent()).as("spores sent").isZero();
    join(channel.send("client", "worker", n(1))); // a marker: a rejected spore would be queued before it
    eventually().until(() -> handled.count() >= 1);
    assertThat(handled.numbers()).as("spores that reached the handler").containsExactly(1);
  }

  @Test
  void knowledgeUnderTheDefaultLimitArrivesIntact() {
    Reef receiver = connect();
    Reef sender = connect();
    Handled handled = new Handled();
    channel(receiver).subscribe("worker", handled.recorder());
    Spore big = Spore.builder(SporeType.KNOWLEDGE).from("client").to("worker")
        .knowledge(Map.of("n", 1, "blob", "y".repeat(9 * 1024 * 1024))).build();

    join(channel(sender).send(big));

    eventually().until(() -> handled.count() == 1);
    assertThat(handled.entries().get(0).spore().knowledge()).as("the knowledge as handled").isEqualTo(big.knowledge());
  }

  @Test
  void priorityOutOfRangeIsRejected() {
    Spore.Builder spore = Spore.builder(SporeType.KNOWLEDGE).from("client").to("worker").knowledge(n(1));

    assertInvalidField("priority", () -> spore.priority(11).build(), "11");
    assertInvalidField("priority", () -> spore.priority(0).build(), "0");
    assertInvalidField("priority", () -> spore.priority(-3).build(), "1..10");
  }

  @Test
  void missingHandlerOrOptionsAreRejected() {
    Channel channel = channel(connect());

    assertThatThrownBy(() -> channel.subscribe("worker", null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("handler");
    assertThatThrownBy(() -> channel.subscribe("worker", null, IGNORE))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("options");
  }

  @Test
  void invalidOptionsAreRejectedNamingTheOption() {
    assertThatThrownBy(() -> SubscriptionOptions.builder().prefetch(0).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefetch");
    assertThatThrownBy(() -> SubscriptionOptions.builder().poolSize(0).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("poolSize");
    assertThatThrownBy(() -> SubscriptionOptions.builder().capabilities("needs space").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capability").hasMessageContaining("needs space");
    assertThatThrownBy(() -> RetryPolicy.attempts(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAttempts");
  }

  @Test
  void timeoutsAndDeadlinesMustBePositive() {
    Channel channel = channel(connect());
    channel.subscribe("worker", IGNORE);

    assertThatThrownBy(() -> channel.request("client", "worker", n(1), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
    assertThatThrownBy(() -> channel.request("client", "worker", n(1), Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
    assertThatThrownBy(() -> channel.scatter("client", n(1), ScatterTarget.allAgents(), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deadline");
  }

  @Test
  void sporesOfTheWrongKindForTheCallAreRejected() {
    Channel channel = channel(connect());
    channel.subscribe("worker", IGNORE);
    Spore request = Spore.builder(SporeType.REQUEST).from("client").to("worker").knowledge(n(1)).build();
    Spore directed = Spore.builder(SporeType.KNOWLEDGE).from("client").to("worker").knowledge(n(1)).build();
    Spore broadcast = Spore.builder(SporeType.BROADCAST).from("client").knowledge(n(1)).build();

    assertThatThrownBy(() -> channel.send(request))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("request");
    assertThatThrownBy(() -> channel.send(broadcast))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("to_agent");
    assertThatThrownBy(() -> channel.broadcast(directed))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("worker");
    assertThatThrownBy(() -> channel.request(directed, TIMEOUT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("knowledge");
  }

  @Test
  void aRequestToAnUnknownAgentFailsItsFuture() {
    Channel channel = channel(connect());

    CompletableFuture<Spore> reply = channel.request("client", "ghost", n(1), TIMEOUT);

    assertThat(failureOf(reply, TIMEOUT.dividedBy(2))).isInstanceOf(UnknownDestinationException.class)
        .hasMessageContaining("ghost");
  }

  @Test
  void aClosedReefRejectsEveryUse() {
    Reef reef = connect();
    Channel channel = channel(reef);
    channel.subscribe("worker", IGNORE);
    reef.close();

    assertThat(reef.isClosed()).isTrue();
    assertClosed(() -> reef.channel("another"));
    assertClosed(() -> channel.send("client", "worker", n(1)));
    assertClosed(() -> channel.broadcast("client", n(1)));
    assertClosed(() -> channel.request("client", "worker", n(1), TIMEOUT));
    assertClosed(() -> channel.scatter("client", n(1), ScatterTarget.allAgents(), TIMEOUT));
    assertClosed(() -> channel.subscribe("worker", IGNORE));
    assertClosed(reef::deadLetters);
  }

  @Test
  void closingAReefFailsItsPendingRequests() {
    Reef responder = connect();
    Reef requester = connect();
    Gate gate = newGate();
    channel(responder).subscribe("sloth", (spore, context) -> {
      gate.pass();
      return n(1);
    });
    CompletableFuture<Spore> reply = channel(requester).request("client", "sloth", n(1), TIMEOUT);
    eventually().until(() -> gate.waiting() == 1);

    requester.close();

    assertThat(failureOf(reply, TIMEOUT.dividedBy(2))).isInstanceOf(ReefClosedException.class)
        .hasMessageContaining("closed");
  }

  private static void assertInvalidField(String field, ThrowingCallable call, String problem) {
    assertThatThrownBy(call)
        .isInstanceOf(InvalidSporeException.class)
        .hasMessageContaining(field)
        .hasMessageContaining(problem)
        .satisfies(error -> assertThat(((InvalidSporeException) error).field()).isEqualTo(field));
  }

  private static void assertClosed(ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOf(ReefClosedException.class).hasMessageContaining("closed");
  }
}
