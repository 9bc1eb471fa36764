package dev.reef.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.HandlerContext;
import dev.reef.Reef;
import dev.reef.RemoteHandlerException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Agents that take and return their own records (SPEC §3.13), as methods and as lambdas. */
class TypedAgentsTest {
  record Line(String sku, int quantity) {}

  record Order(String type, String id, Instant placedAt, Optional<String> note, List<Line> lines) {}

  record Receipt(String orderId, int items, Instant placedAt) {}

  @AgentDefinition(name = "shop")
  static final class Shop {
    @OnSpore(respondsTo = "order")
    Receipt order(Order order, HandlerContext context) {
      return new Receipt(order.id(), order.lines().stream().mapToInt(Line::quantity).sum(), order.placedAt());
    }

    @OnSpore(respondsTo = "later")
    CompletionStage<Receipt> later(Order order) {
      return CompletableFuture.supplyAsync(() -> new Receipt(order.id(), 0, order.placedAt()));
    }

    @OnSpore(respondsTo = "nothing")
    void nothing(Order order) {}
  }

  private final Reef reef = Reef.builder().uri("memory:").drainTimeout(Duration.ofSeconds(2)).build();
  private final AgentRuntime runtime = AgentRuntime.on(reef);

  @AfterEach
  void close() {
    runtime.close();
    reef.close();
  }

  private Order order(String type) {
    return new Order(type, "o-7", Instant.parse("2026-12-04T10:00:00.000001Z"), Optional.empty(),
        List.of(new Line("a", 2), new Line("b", 3)));
  }

  @Test
  void aMethodTakesAndReturnsRecords() {
    runtime.register(Shop.class);
    runtime.start("shop", 1);

    Receipt receipt = reef.channel("main").request("client", "shop", order("order"), Receipt.class,
        Duration.ofSeconds(5)).orTimeout(10, TimeUnit.SECONDS).join();
    Receipt later = reef.channel("main").request("client", "shop", order("later"), Receipt.class,
        Duration.ofSeconds(5)).orTimeout(10, TimeUnit.SECONDS).join();
    Receipt none = reef.channel("main").request("client", "shop", order("nothing"), Receipt.class,
        Duration.ofSeconds(5)).orTimeout(10, TimeUnit.SECONDS).join();

    assertThat(receipt).isEqualTo(new Receipt("o-7", 5, Instant.parse("2026-12-04T10:00:00.000001Z")));
    assertThat(later.orderId()).isEqualTo("o-7");
    assertThat(none).isNull();
  }

  @Test
  void knowledgeThatDoesNotFitIsDeadLetteredAtOnceWithTheReason() {
    runtime.register(Shop.class);
    runtime.start("shop", 1);

    Throwable error = reef.channel("main").request("client", "shop",
        Map.of("type", "order", "id", "o-8", "lines", "not a list"), Duration.ofSeconds(5))
        .handle((ok, e) -> e).orTimeout(10, TimeUnit.SECONDS).join();

    assertThat(error).isInstanceOf(RemoteHandlerException.class).hasMessageContaining("UnprocessableSporeException")
        .hasMessageContaining(Order.class.getName());
    await().atMost(Duration.ofSeconds(5)).until(() -> reef.deadLetters().list().size() == 1);
    assertThat(reef.deadLetters().list().get(0).attempts()).as("no retries").isEqualTo(1);
  }

  @Test
  void aLambdaRouteReadsTheKnowledgeAsARecord() {
    runtime.register(AgentSpec.named("counter")
        .respondsTo("order", Order.class, (order, ctx) -> Map.of("lines", order.lines().size())).build());
    runtime.start("counter", 1);

    int lines = reef.channel("main").request("client", "counter", order("order"), Duration.ofSeconds(5))
        .orTimeout(10, TimeUnit.SECONDS).join().knowledge().get("lines").asInt();

    assertThat(lines).isEqualTo(2);
  }
}
