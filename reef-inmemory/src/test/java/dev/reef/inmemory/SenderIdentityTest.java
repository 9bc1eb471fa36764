package dev.reef.inmemory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.Reef;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The publishing connection's user reaches handlers beside the spore, as AMQP's user_id does. */
class SenderIdentityTest {

  @Test
  void handlersSeeTheUserOfThePublishingConnectionNotWhatTheSenderClaims() {
    String broker = "identity-" + UUID.randomUUID();
    try (Reef receiver = Reef.builder().uri("memory://" + broker).build();
        Reef alice = Reef.builder().uri("memory://" + broker + "?user=alice").build();
        Reef anonymous = Reef.builder().uri("memory://" + broker).build()) {
      CompletableFuture<Optional<String>> fromAlice = new CompletableFuture<>();
      CompletableFuture<Optional<String>> fromAnonymous = new CompletableFuture<>();
      receiver.channel("main").subscribe("inbox", (spore, ctx) -> {
        String claimed = spore.knowledge().getString("claims");
        (claimed.equals("alice") ? fromAlice : fromAnonymous).complete(ctx.verifiedUserId());
        return null;
      });

      alice.channel("main").send("alice-agent", "inbox", Map.of("claims", "alice")).join();
      // This sender claims to be alice in its knowledge and agent name; its connection has no user.
      anonymous.channel("main").send("alice", "inbox", Map.of("claims", "someone")).join();

      assertThat(fromAlice).succeedsWithin(Duration.ofSeconds(5)).isEqualTo(Optional.of("alice"));
      assertThat(fromAnonymous).succeedsWithin(Duration.ofSeconds(5)).isEqualTo(Optional.empty());
    } finally {
      InMemoryBroker.shared(broker).close();
    }
  }

  @Test
  void theIdentitySurvivesARetry() {
    try (Reef reef = Reef.builder().uri("memory:/?user=bob").build()) {
      CompletableFuture<Optional<String>> secondAttempt = new CompletableFuture<>();
      reef.channel("main").subscribe("flaky", (spore, ctx) -> {
        if (ctx.attempt() == 1) {
          throw new IllegalStateException("first attempt fails");
        }
        secondAttempt.complete(ctx.verifiedUserId());
        return null;
      });

      reef.channel("main").send("bob", "flaky", Map.of()).join();

      assertThat(secondAttempt).succeedsWithin(Duration.ofSeconds(5)).isEqualTo(Optional.of("bob"));
    }
  }

  @Test
  void rejectsQueriesOtherThanUser() {
    assertThatThrownBy(() -> Reef.builder().uri("memory:/?password=x").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the only query parameter is user=USER");
    assertThatThrownBy(() -> Reef.builder().uri("memory:/?user=not%20valid").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("user name");
  }

  @Test
  void rejectsAnInvalidUserName() {
    try (InMemoryBroker broker = InMemoryBroker.create()) {
      assertThatThrownBy(() -> broker.connect("reef", "two words"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("invalid user name");
    }
  }

}
