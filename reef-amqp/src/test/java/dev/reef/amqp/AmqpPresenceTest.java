package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.reef.spi.PresenceLink;
import dev.reef.spi.PresenceMessage;
import dev.reef.spore.JsonMapping;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Presence links on the broker: each hears the others, never itself, and drops what it cannot read. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AmqpPresenceTest {
  private final AmqpTestNamespace namespace = new AmqpTestNamespace();

  @AfterEach
  void cleanUp() {
    namespace.close();
  }

  private static PresenceMessage announce(String reefId) {
    return new PresenceMessage(PresenceMessage.Kind.ANNOUNCE, reefId, "host", 42, Duration.ofMillis(700),
        List.of(new PresenceMessage.Instance("adder", "i-" + reefId, "main", Set.of("math"),
            Instant.parse("2026-03-01T10:00:00Z"), false)));
  }

  @Test
  void eachLinkHearsTheOthersButNeverItself() throws Exception {
    Queue<PresenceMessage> heardByA = new ConcurrentLinkedQueue<>();
    Queue<PresenceMessage> heardByB = new ConcurrentLinkedQueue<>();
    PresenceLink a = namespace.backend().openPresence(heardByA::add);
    PresenceLink b = namespace.backend().openPresence(heardByB::add);

    a.send(announce("reef-a")).get(5, TimeUnit.SECONDS);
    b.send(new PresenceMessage(PresenceMessage.Kind.HELLO, "reef-b", "host", 43, Duration.ofSeconds(1), List.of()))
        .get(5, TimeUnit.SECONDS);
    a.send(announce("reef-a")).get(5, TimeUnit.SECONDS); // after b's hello: a must not hear its own messages

    await().atMost(Duration.ofSeconds(5)).until(() -> heardByB.size() == 2 && heardByA.size() == 1);
    assertThat(heardByB).containsExactly(announce("reef-a"), announce("reef-a"));
    assertThat(heardByA).singleElement().satisfies(message -> {
      assertThat(message.kind()).isEqualTo(PresenceMessage.Kind.HELLO);
      assertThat(message.reefId()).isEqualTo("reef-b");
    });
  }

  @Test
  void aMessageLivesThreeHeartbeatsOfItsSender() throws Exception {
    AmqpBackend backend = namespace.backend();
    PresenceLink link = backend.openPresence(message -> {});
    String exchange = namespace.namespace() + ".presence";
    try (Connection connection = TestBroker.rawConnection(); Channel channel = connection.createChannel()) {
      String tap = channel.queueDeclare().getQueue();
      channel.queueBind(tap, exchange, "");

      link.send(announce("reef-a")).get(5, TimeUnit.SECONDS);

      GetResponse sent = await().atMost(Duration.ofSeconds(5)).until(() -> channel.basicGet(tap, true),
          response -> response != null);
      assertThat(sent.getProps().getExpiration()).isEqualTo("2100");
      JsonNode json = JsonMapping.defaults().mapper().readTree(sent.getBody());
      assertThat(json.get("connection").asText()).isEqualTo("reef-a");
      assertThat(json.get("instances").get(0).get("agent").asText()).isEqualTo("adder");
    }
  }

  @Test
  void whatALinkCannotReadIsDroppedAndCounted() throws Exception {
    Queue<PresenceMessage> heard = new ConcurrentLinkedQueue<>();
    AmqpPresence link = (AmqpPresence) namespace.backend().openPresence(heard::add);
    String exchange = namespace.namespace() + ".presence";
    try (Connection connection = TestBroker.rawConnection(); Channel channel = connection.createChannel()) {
      channel.confirmSelect();
      AMQP.BasicProperties plain = new AMQP.BasicProperties.Builder().build();
      channel.basicPublish(exchange, "", plain, "not json".getBytes(StandardCharsets.UTF_8));
      channel.basicPublish(exchange, "", plain,
          "{\"kind\":\"wave\",\"connection\":\"c\",\"host\":\"h\",\"heartbeat_ms\":1000}".getBytes(StandardCharsets.UTF_8));
      channel.basicPublish(exchange, "", plain, PresenceFormat.encode(announce("reef-raw")));
      channel.waitForConfirmsOrDie(5_000);
    }

    await().atMost(Duration.ofSeconds(5)).until(() -> heard.size() == 1 && link.malformed() == 2);
    assertThat(heard).extracting(PresenceMessage::reefId).containsExactly("reef-raw");
  }

  @Test
  void aClosedLinksQueueIsGone() throws Exception {
    AmqpPresence link = (AmqpPresence) namespace.backend().openPresence(message -> {});
    String queue = link.queue();
    assertThat(exclusiveQueueExists(queue)).isTrue();

    link.close();

    await().atMost(Duration.ofSeconds(5)).until(() -> !exclusiveQueueExists(queue));
    assertThat(link.isClosed()).isTrue();
  }

  /** Another connection may not use an exclusive queue: the broker says 405 when it exists, 404 when not. */
  private static boolean exclusiveQueueExists(String queue) throws Exception {
    try (Connection connection = TestBroker.rawConnection(); Channel channel = connection.createChannel()) {
      channel.queueDeclarePassive(queue);
      return true;
    } catch (IOException e) {
      return BrokerReason.of(e).startsWith("405");
    }
  }
}
