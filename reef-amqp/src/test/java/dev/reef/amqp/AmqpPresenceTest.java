package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.reef.Reef;
import dev.reef.spi.PresenceLink;
import dev.reef.spi.PresenceMessage;
import dev.reef.spore.JsonMapping;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Presence links on the broker: each hears the others, never itself, and drops what it cannot read. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
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

  /**
   * The broker deletes the transient exchange, and every binding with it, once no queue is bound: when
   * the node that held every link's queue stops, say, and the links come back on other nodes. Here a
   * raw client deletes it. A link whose send then fails joins again before its next send; a link whose
   * sends go out but that hears nothing (not even the echo of its own message) joins again once that
   * message has outlived its time.
   */
  @Test
  void linksJoinTheExchangeAgainAfterTheBrokerDeletedIt() throws Exception {
    Queue<PresenceMessage> heardByB = new ConcurrentLinkedQueue<>();
    AmqpPresence a = (AmqpPresence) namespace.backend().openPresence(message -> {});
    AmqpPresence b = (AmqpPresence) namespace.backend().openPresence(heardByB::add);
    a.send(announce("reef-a")).get(5, TimeUnit.SECONDS);
    b.send(hello(Duration.ofSeconds(10))).get(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).until(() -> heardByB.size() == 1);

    deleteExchange(namespace.namespace() + ".presence");

    assertThatThrownBy(() -> a.send(announce("reef-a")).get(5, TimeUnit.SECONDS))
        .hasMessageContaining("NOT_FOUND");
    a.send(announce("reef-a")).get(5, TimeUnit.SECONDS);
    assertThat(a.rejoins()).as("a joined again after its failed send").isEqualTo(1);
    // The exchange is back, b is not bound. (b joins again only in a send, and only once a message of
    // its own is overdue: its first lives 30 s, so that its echo, however late, cannot make b join here.)
    b.send(hello(Duration.ofMillis(200))).get(5, TimeUnit.SECONDS);
    a.send(announce("reef-a")).get(5, TimeUnit.SECONDS);
    assertThat(b.rejoins()).isZero();
    assertThat(heardByB).as("b lost its binding with the exchange").hasSize(1);

    // A message of b's did not come back to b within its lifetime: b's next send joins again first.
    await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).until(() -> {
      b.send(hello(Duration.ofMillis(200))).get(5, TimeUnit.SECONDS);
      return b.rejoins() == 1;
    });
    a.send(announce("reef-a")).get(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).until(() -> heardByB.size() == 2);
    assertThat(heardByB).extracting(PresenceMessage::reefId).containsExactly("reef-a", "reef-a");
  }

  /**
   * A link whose consumer the broker cancelled (its queue deleted) or whose channel the broker closed
   * (a channel error) hears nothing, not even its own messages: it listens again on a fresh channel.
   */
  @Test
  void aLinkWhoseQueueOrChannelTheBrokerTookListensAgain() throws Exception {
    Queue<PresenceMessage> heardByB = new ConcurrentLinkedQueue<>();
    AmqpPresence a = (AmqpPresence) namespace.backend().openPresence(message -> {});
    AmqpPresence b = (AmqpPresence) namespace.backend().openPresence(heardByB::add);

    b.listening().queueDelete(b.queue()); // its own connection may: the queue is exclusive to it
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
      b.send(hello(Duration.ofMillis(200))).get(5, TimeUnit.SECONDS);
      return b.rejoins() > 0;
    });
    a.send(announce("reef-a")).get(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).until(() -> heardByB.size() == 1);

    Channel listening = b.listening();
    long rejoins = b.rejoins();
    assertThatThrownBy(() -> listening.queueDeclarePassive(b.queue() + ".missing"))
        .satisfies(error -> assertThat(BrokerReason.of(error)).startsWith("404"));
    b.send(hello(Duration.ofMillis(200))).get(5, TimeUnit.SECONDS);
    assertThat(b.rejoins()).as("b joined again before its send: its channel was closed").isGreaterThan(rejoins);
    assertThat(b.listening()).isNotSameAs(listening);
    a.send(announce("reef-a")).get(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).until(() -> heardByB.size() == 2);
  }

  private static PresenceMessage hello(Duration heartbeat) {
    return new PresenceMessage(PresenceMessage.Kind.HELLO, "reef-b", "host", 43, heartbeat, List.of());
  }

  /**
   * Presence sends to the deleted exchange close the channel they go on. That channel carries presence
   * only: a stream of spores over the same connection meanwhile loses nothing.
   */
  @Test
  void presenceSentToTheDeletedExchangeFailsNoSpore() throws Exception {
    Reef reef = namespace.reef(); // alone, so that nobody else declares the exchange again before its heartbeat
    AtomicInteger handled = new AtomicInteger();
    // Spores sent and not yet handled (or failed). Not just unconfirmed: a sender faster than the agent
    // would otherwise fill its queue to the length limit, and the broker would refuse spores for that.
    Semaphore window = new Semaphore(200);
    reef.channel("main").subscribe("sink", (spore, context) -> {
      handled.incrementAndGet();
      window.release();
      return null;
    });
    assertThat(window.tryAcquire()).isTrue();
    reef.channel("main").send("source", "sink", Map.of("n", -1)).get(5, TimeUnit.SECONDS);
    String exchange = namespace.namespace() + ".presence";
    deleteExchange(exchange);

    // Three heartbeats: the first presence send meets the deleted exchange, the next joins again, while
    // spores stream over the same connection.
    List<CompletableFuture<Void>> sends = new ArrayList<>();
    long end = System.nanoTime() + AmqpTestNamespace.HEARTBEAT.multipliedBy(3).toNanos();
    for (int n = 0; System.nanoTime() - end < 0; n++) {
      assertThat(window.tryAcquire(10, TimeUnit.SECONDS)).as("a spore handled or failed within 10 s").isTrue();
      sends.add(reef.channel("main").send("source", "sink", Map.of("n", n)).whenComplete((ok, error) -> {
        if (error != null) {
          window.release();
        }
      }));
    }
    CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).handle((ok, error) -> null)
        .get(30, TimeUnit.SECONDS);

    assertThat(sends.stream().filter(CompletableFuture::isCompletedExceptionally)
        .map(send -> send.handle((ok, error) -> error.getMessage()).join()))
        .as("spore sends that failed, of %d", sends.size()).isEmpty();
    await().atMost(Duration.ofSeconds(10)).until(() -> exchangeExists(exchange));
    await().atMost(Duration.ofSeconds(10)).until(() -> handled.get() == sends.size() + 1);
  }

  private static void deleteExchange(String exchange) throws Exception {
    try (Connection connection = TestBroker.rawConnection(); Channel channel = connection.createChannel()) {
      channel.exchangeDelete(exchange);
    }
  }

  private static boolean exchangeExists(String exchange) throws Exception {
    try (Connection connection = TestBroker.rawConnection(); Channel channel = connection.createChannel()) {
      channel.exchangeDeclarePassive(exchange);
      return true;
    } catch (IOException e) {
      return false;
    }
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
