package dev.reef.inmemory.agents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.ReplyStream;
import dev.reef.StreamingReply;
import dev.reef.spore.JsonDocument;
import dev.reef.spore.Spore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The README's quick start, as it is written there, with its comments turned into assertions. */
class QuickStartTest {
  record Order(String id, int quantity, Instant placedAt) {}

  record Receipt(String orderId, int total) {}

  @Test
  void theQuickStartRunsAsWritten() {
    List<String> words = new CopyOnWriteArrayList<>();
    List<JsonDocument> logged = new CopyOnWriteArrayList<>();
    try (Reef reef = Reef.builder().build()) {
      Channel main = reef.channel("main");

      main.subscribe("shop", (spore, ctx) -> {
        Order order = spore.knowledge(Order.class);
        return new Receipt(order.id(), order.quantity() * 3);
      });
      Receipt receipt = main.request("client", "shop", new Order("o-1", 4, Instant.now()), Receipt.class,
          Duration.ofSeconds(2)).join();
      assertThat(receipt).isEqualTo(new Receipt("o-1", 12));

      main.subscribe("clerk", (spore, ctx) -> ctx.request("shop", spore.knowledge(), Duration.ofSeconds(2)));
      Spore viaClerk = main.request("client", "clerk", new Order("o-2", 1, Instant.now()), Duration.ofSeconds(2)).join();
      assertThat(viaClerk.knowledge(Receipt.class)).isEqualTo(new Receipt("o-2", 3));

      main.subscribe("writer", (spore, ctx) -> {
        ReplyStream stream = ctx.stream();
        for (String word : "spores travel far".split(" ")) {
          stream.send(Map.of("word", word));
        }
        return Map.of("done", true);
      });
      StreamingReply call = main.requestStream("client", "writer", Map.of("topic", "reefs"), Duration.ofSeconds(2),
          part -> words.add(part.knowledge().getString("word")));
      assertThat(call.reply().join().knowledge().get("done").asBoolean()).isTrue();
      assertThat(words).containsExactly("spores", "travel", "far");

      Channel news = reef.channel("news");
      news.subscribe("logger", (spore, ctx) -> {
        logged.add(spore.knowledge());
        return null;
      });
      news.broadcast("client", Map.of("type", "finding", "text", "spores travel")).join();
      assertThat(reef.awaitQuiescence(Duration.ofSeconds(5))).isTrue();
      assertThat(reef.stats().failed()).as("handler failures").isZero();
    }
    assertThat(logged).containsExactly(JsonDocument.of(Map.of("type", "finding", "text", "spores travel")));
  }
}
