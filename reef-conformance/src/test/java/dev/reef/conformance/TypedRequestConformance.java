package dev.reef.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.Reef;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * SPEC §3.13: a request names the type of its reply, {@code request(..., Receipt.class, timeout)},
 * and gets the reply read as that record, from the caller and from a handler asking another agent;
 * a reply that does not fit fails the future naming the type.
 */
class TypedRequestConformance extends ConformanceTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** A line of an order. */
  record Line(String sku, int quantity) {}

  /** What the shop asks the warehouse. */
  record Order(String id, Instant placedAt, Optional<String> note, List<Line> lines) {}

  /** What the warehouse answers. */
  record Receipt(String orderId, int items, Instant placedAt, Optional<String> remark) {}

  /** What the front desk tells the shop. */
  record Status(String orderId, String text) {}

  /** A reply type whose order id is a number: the receipt's ({@code "o-7"}) does not fit it. */
  record Tally(int orderId) {}

  private static final Order ORDER = new Order("o-7", Instant.parse("2026-03-04T05:06:07.123456Z"),
      Optional.of("fragile"), List.of(new Line("sku-1", 2), new Line("sku-2", 3)));

  private void startWarehouse(Reef reef) {
    channel(reef).subscribe("warehouse", (spore, context) -> {
      Order order = spore.knowledge(Order.class);
      int items = order.lines().stream().mapToInt(Line::quantity).sum();
      return new Receipt(order.id(), items, order.placedAt(), order.note().map(note -> "noted: " + note));
    });
  }

  @Test
  void aTypedRequestReadsItsReplyAsTheRecordItNames() {
    startWarehouse(connect());
    Reef shop = connect();

    Receipt receipt = join(channel(shop).request("shop", "warehouse", ORDER, Receipt.class, TIMEOUT));

    assertThat(receipt).isEqualTo(new Receipt("o-7", 5, ORDER.placedAt(), Optional.of("noted: fragile")));
  }

  @Test
  void aHandlerAsksAnotherAgentWithATypedRequest() {
    startWarehouse(connect());
    Reef front = connect();
    channel(front).subscribe("front-desk", (spore, context) ->
        // Asked on the handler's behalf, typed, and passed on as this agent's own reply.
        context.request("warehouse", ORDER, Receipt.class, TIMEOUT)
            .thenApply(receipt -> new Status(receipt.orderId(), receipt.items() + " items received")));

    Status status = join(channel(connect()).request("shop", "front-desk", Map.of("ask", "status"), Status.class,
        TIMEOUT));

    assertThat(status).isEqualTo(new Status("o-7", "5 items received"));
  }

  @Test
  void aReplyWithoutKnowledgeIsReadAsNull() {
    Reef reef = connect();
    channel(reef).subscribe("silent", (spore, context) -> Optional.empty());

    CompletableFuture<Receipt> reply = channel(connect()).request("shop", "silent", ORDER, Receipt.class, TIMEOUT);

    assertThat(join(reply)).as("a reply with no knowledge, read as a record").isNull();
  }

  @Test
  void aReplyThatDoesNotFitTheTypeFailsTheFutureNamingIt() {
    startWarehouse(connect());

    Throwable failure = failureOf(channel(connect()).request("shop", "warehouse", ORDER, Tally.class, TIMEOUT));

    assertThat(failure).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Tally.class.getName())
        .hasMessageContaining("'warehouse'");
  }
}
