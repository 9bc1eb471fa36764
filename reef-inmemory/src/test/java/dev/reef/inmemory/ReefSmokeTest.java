package dev.reef.inmemory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.Reef;
import dev.reef.spore.Spore;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** End to end through the public API, with the backend found from its URI. */
class ReefSmokeTest {

  @Test
  void sendAndRequestOnAPrivateBroker() {
    try (Reef reef = Reef.builder().uri("memory:").build()) {
      CompletableFuture<Spore> handled = new CompletableFuture<>();
      reef.channel("main").subscribe("notes", (spore, ctx) -> handled.complete(spore));
      reef.channel("main").subscribe("echo", (spore, ctx) -> Map.of("echo", spore.knowledge().getString("say")));

      reef.channel("main").send("me", "notes", Map.of("text", "hello")).join();
      Spore reply = reef.channel("main").request("me", "echo", Map.of("say", "hi"), Duration.ofSeconds(5)).join();

      assertThat(handled).succeedsWithin(Duration.ofSeconds(5))
          .satisfies(spore -> assertThat(spore.knowledge().getString("text")).isEqualTo("hello"));
      assertThat(reply.knowledge().getString("echo")).isEqualTo("hi");
      assertThat(reef.awaitQuiescence(Duration.ofSeconds(5))).isTrue();
    }
  }

  @Test
  void twoReefsOnOneNamedBrokerTalkToEachOther() {
    String uri = "memory://smoke-" + UUID.randomUUID();
    try (Reef server = Reef.builder().uri(uri).build(); Reef client = Reef.builder().uri(uri).build()) {
      server.channel("main").subscribe("echo", (spore, ctx) -> spore.knowledge());

      Spore reply = client.channel("main").request("me", "echo", Map.of("n", 1), Duration.ofSeconds(5)).join();

      assertThat(reply.knowledge().get("n").asInt()).isEqualTo(1);
    } finally {
      InMemoryBroker.shared(uri.substring("memory://".length())).close();
    }
  }

  @Test
  void anUnknownSchemeIsNotTakenForMemory() {
    assertThatThrownBy(() -> Reef.builder().uri("nope://somewhere").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'nope'")
        .hasMessageContaining(InMemoryBackendProvider.class.getName());
  }

  @Test
  void defaultReefIsInMemory() {
    try (Reef reef = Reef.inMemory()) {
      CompletableFuture<Spore> handled = new CompletableFuture<>();
      reef.channel("main").subscribe("notes", (spore, ctx) -> handled.complete(spore));
      reef.channel("main").send("me", "notes", Map.of("n", 1)).join();
      assertThat(handled).succeedsWithin(Duration.ofSeconds(5));
    }
  }
}
