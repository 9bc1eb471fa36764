package dev.reef.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.ScatterTarget;
import dev.reef.SubscriptionOptions;
import dev.reef.spore.JsonMapping;
import dev.reef.spore.Spore;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * SPEC §3.13: knowledge given and read as the user's own records, with {@code java.time}, {@code
 * Optional} and nested records, between Reefs; and a mapper set on the builder writes and reads every
 * spore: sends, broadcasts, requests, replies (returned or explicit), spores sent from handlers and
 * scatters.
 */
class TypedKnowledgeConformance extends ConformanceTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** A nested record. */
  record Address(String city, int postCode) {}

  /** A record with a timestamp, an optional field and a nested record. */
  record Shipment(String orderId, Instant shippedAt, Optional<String> trackingNote, Address deliverTo) {}

  /** What the warehouse answers. */
  record Receipt(String orderId, Instant receivedAt, Optional<String> remark) {}

  private static final Shipment WITH_NOTE = new Shipment("o-1", Instant.parse("2025-03-04T05:06:07.123456789Z"),
      Optional.of("leave at the door"), new Address("Lyon", 69001));
  private static final Shipment WITHOUT_NOTE = new Shipment("o-2", Instant.parse("2025-12-31T23:59:59Z"),
      Optional.empty(), new Address("Köln", 50667));
  private static final Instant RECEIVED = Instant.parse("2026-01-02T03:04:05.5Z");

  @Test
  void aRecordWithAnInstantAnOptionalAndANestedRecordRoundTripsBetweenReefs() {
    Reef receiver = connect();
    Reef sender = connect();
    Queue<Spore> received = new ConcurrentLinkedQueue<>();
    channel(receiver).subscribe("warehouse", (spore, context) -> {
      received.add(spore);
      Shipment shipment = spore.knowledge(Shipment.class);
      return new Receipt(shipment.orderId(), RECEIVED, shipment.trackingNote().map(note -> "noted: " + note));
    });

    join(channel(sender).send("shop", "warehouse", WITH_NOTE));
    join(channel(sender).send("shop", "warehouse", WITHOUT_NOTE));
    Spore reply = join(channel(sender).request("shop", "warehouse", WITH_NOTE, TIMEOUT));

    eventually().until(() -> received.size() == 3);
    assertThat(received).extracting(spore -> spore.knowledge(Shipment.class)).as("shipments as the receiver reads them")
        .containsExactly(WITH_NOTE, WITHOUT_NOTE, WITH_NOTE);
    assertThat(reply.knowledge(Receipt.class)).as("the reply as the requester reads it")
        .isEqualTo(new Receipt("o-1", RECEIVED, Optional.of("noted: leave at the door")));
  }

  @Test
  void aMapperSetOnTheBuilderWritesAndReadsEverySpore() {
    UnaryOperator<Reef.Builder> snakeCase = builder -> builder.objectMapper(snakeCaseMapper());
    Reef warehouse = connect(snakeCase);
    Reef shop = connect(snakeCase);
    Queue<Spore> atWarehouse = new ConcurrentLinkedQueue<>();
    Queue<Spore> atAuditor = new ConcurrentLinkedQueue<>();
    channel(warehouse).subscribe("warehouse", SubscriptionOptions.builder().capabilities("ship").build(),
        (spore, context) -> {
          atWarehouse.add(spore);
          Receipt receipt = new Receipt(spore.knowledge(Shipment.class).orderId(), RECEIVED, Optional.empty());
          join(context.send("auditor", receipt));
          return receipt; // the reply, for the request and the scatter
        });
    channel(warehouse).subscribe("auditor", (spore, context) -> atAuditor.add(spore));
    Channel out = channel(shop);

    join(out.send("shop", "warehouse", WITH_NOTE));
    join(out.broadcast("shop", WITHOUT_NOTE));
    Spore returned = join(out.request("shop", "warehouse", WITH_NOTE, TIMEOUT));
    List<Spore> gathered = join(out.scatter("shop", WITHOUT_NOTE, ScatterTarget.capability("ship"), TIMEOUT));

    // The warehouse got a send, a broadcast, a request and a scatter; the auditor the broadcast and four receipts.
    eventually().until(() -> atWarehouse.size() == 4 && atAuditor.size() == 5);
    for (Spore spore : atWarehouse) {
      assertSnakeCase(spore, "order_id", "shipped_at", "tracking_note", "deliver_to", "post_code");
    }
    assertThat(atWarehouse).extracting(spore -> spore.knowledge(Shipment.class))
        .as("shipments as the warehouse reads them")
        .containsExactlyInAnyOrder(WITH_NOTE, WITHOUT_NOTE, WITH_NOTE, WITHOUT_NOTE);
    for (Spore spore : atAuditor) {
      assertSnakeCase(spore, "order_id");
    }
    assertThat(atAuditor).filteredOn(spore -> spore.knowledge().has("received_at"))
        .extracting(spore -> spore.knowledge(Receipt.class)).as("receipts sent from the handler")
        .containsExactlyInAnyOrder(receipt("o-1"), receipt("o-2"), receipt("o-1"), receipt("o-2"));
    assertSnakeCase(returned, "order_id", "received_at");
    assertThat(returned.knowledge(Receipt.class)).as("the reply to the request").isEqualTo(receipt("o-1"));
    assertThat(gathered).hasSize(1);
    assertSnakeCase(gathered.get(0), "order_id", "received_at");
    assertThat(gathered.get(0).knowledge(Receipt.class)).as("the reply to the scatter").isEqualTo(receipt("o-2"));
  }

  @Test
  void anExplicitReplyIsWrittenWithTheMapperToo() {
    UnaryOperator<Reef.Builder> snakeCase = builder -> builder.objectMapper(snakeCaseMapper());
    Reef responder = connect(snakeCase);
    Reef requester = connect(snakeCase);
    channel(responder).subscribe("warehouse", (spore, context) -> {
      join(context.reply(new Receipt(spore.knowledge(Shipment.class).orderId(), RECEIVED, Optional.of("explicit"))));
      return null;
    });

    Spore reply = join(channel(requester).request("shop", "warehouse", WITH_NOTE, TIMEOUT));

    assertSnakeCase(reply, "order_id", "received_at");
    assertThat(reply.knowledge(Receipt.class)).isEqualTo(new Receipt("o-1", RECEIVED, Optional.of("explicit")));
  }

  @Test
  void everySporeIsReadWithTheMapperOfTheReefThatGotIt() {
    Reef plain = connect();
    Reef snake = connect(builder -> builder.objectMapper(snakeCaseMapper()));
    Queue<Spore> atSnake = new ConcurrentLinkedQueue<>();
    channel(plain).subscribe("warehouse", (spore, context) -> receipt("o-1"));
    channel(snake).subscribe("auditor", (spore, context) -> atSnake.add(spore));

    join(channel(plain).send("shop", "auditor", WITH_NOTE));
    Spore reply = join(channel(snake).request("auditor", "warehouse", WITH_NOTE, TIMEOUT));
    List<Spore> gathered = join(channel(snake).scatter("auditor", WITH_NOTE, ScatterTarget.allAgents(), TIMEOUT));

    eventually().until(() -> atSnake.size() == 1);
    assertThat(atSnake.peek().knowledge().mapping()).as("mapping of a spore a handler got")
        .isSameAs(snake.json());
    assertThat(reply.knowledge().mapping()).as("mapping of a reply").isSameAs(snake.json());
    assertThat(gathered).extracting(spore -> spore.knowledge().mapping()).as("mapping of a scatter's replies")
        .containsExactly(snake.json());
  }

  private static Receipt receipt(String orderId) {
    return new Receipt(orderId, RECEIVED, Optional.empty());
  }

  /** The default mapper, writing and reading {@code snake_case} field names. */
  private static ObjectMapper snakeCaseMapper() {
    ObjectMapper mapper = JsonMapping.newDefaultMapper();
    mapper.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    return mapper;
  }

  /** The spore's knowledge, as JSON on the receiving side, has these snake_case field names and no camelCase one. */
  private static void assertSnakeCase(Spore spore, String... fields) {
    String json = spore.knowledge().toJson();
    assertThat(json).as("knowledge of %s spore %s", spore.type(), spore.id()).contains(
        Arrays.stream(fields).map(field -> "\"" + field + "\"").toArray(String[]::new));
    assertThat(json).as("knowledge of %s spore %s", spore.type(), spore.id())
        .doesNotContainPattern("\"[a-z]+[A-Z][A-Za-z]*\"\\s*:");
  }
}
