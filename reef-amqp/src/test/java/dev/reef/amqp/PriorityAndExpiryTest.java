package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.reef.Reef;
import dev.reef.SubscriptionOptions;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** SPEC §2, §3.8, §4: priority and expiry are the broker's, shown on the broker itself. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PriorityAndExpiryTest {
  private final AmqpTestNamespace namespace = new AmqpTestNamespace();

  @AfterEach
  void cleanUp() {
    namespace.close();
  }

  @Test
  void aWaitingHighPrioritySporeOvertakesLowOnes() throws Exception {
    Reef reef = namespace.reef();
    dev.reef.Channel channel = reef.channel("main");
    channel.subscribe("sorter", (spore, context) -> null).close(); // the queue exists; nobody consumes
    for (int i = 0; i < 5; i++) {
      channel.send(spore(i, 1)).join();
    }
    channel.send(spore(99, 10)).join();

    String queue = namespace.namespace() + ".main.sorter";
    try (Connection connection = TestBroker.rawConnection(); Channel raw = connection.createChannel()) {
      GetResponse head = raw.basicGet(queue, false); // not acked: back in the queue when the channel closes
      assertThat(head.getProps().getPriority()).as("priority of the broker's first message").isEqualTo(10);
      assertThat(head.getMessageCount()).as("messages behind it").isEqualTo(5);
    }

    Queue<Integer> order = new ConcurrentLinkedQueue<>();
    Reef later = namespace.reef();
    later.channel("main").subscribe("sorter", SubscriptionOptions.builder().prefetch(1).build(), (spore, context) -> {
      order.add(spore.knowledge().get("n").asInt());
      return null;
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> order.size() == 6);
    assertThat(order).containsExactly(99, 0, 1, 2, 3, 4);
  }

  @Test
  void anExpiredSporeIsTakenOutByTheBrokerCountedAndNeverHandled() throws Exception {
    Reef reef = namespace.reef();
    dev.reef.Channel channel = reef.channel("main");
    channel.subscribe("reader", (spore, context) -> null).close();
    Spore shortLived = Spore.builder(SporeType.KNOWLEDGE).from("writer").to("reader").knowledge(Map.of("n", 1))
        .expiresIn(Duration.ofMillis(300)).build();
    Spore lasting = Spore.builder(SporeType.KNOWLEDGE).from("writer").to("reader").knowledge(Map.of("n", 2)).build();
    channel.send(shortLived).join();
    channel.send(lasting).join();

    String queue = namespace.namespace() + ".main.reader";
    try (Connection connection = TestBroker.rawConnection(); Channel raw = connection.createChannel()) {
      GetResponse head = raw.basicGet(queue, false);
      assertThat(head.getProps().getMessageId()).isEqualTo(shortLived.id());
      assertThat(Long.parseLong(head.getProps().getExpiration())).isBetween(1L, 300L);
      raw.basicNack(head.getEnvelope().getDeliveryTag(), false, true);
      await().atMost(Duration.ofSeconds(5))
          .until(() -> raw.queueDeclarePassive(queue).getMessageCount() == 1); // the broker took it out
      assertThat(raw.queueDeclarePassive(queue + ".expired").getMessageCount())
          .as("spores the broker moved to the expired queue, for the agent to count").isEqualTo(1);
    }

    Queue<Integer> handled = new ConcurrentLinkedQueue<>();
    Reef later = namespace.reef();
    later.channel("main").subscribe("reader", (spore, context) -> {
      handled.add(spore.knowledge().get("n").asInt());
      return null;
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 1);
    assertThat(later.awaitQuiescence(Duration.ofSeconds(2))).isTrue();
    assertThat(handled).containsExactly(2);
    assertThat(later.stats().expired()).as("expired spores counted").isEqualTo(1);
  }

  private static Spore spore(int n, int priority) {
    return Spore.builder(SporeType.KNOWLEDGE).from("feeder").to("sorter").knowledge(Map.of("n", n))
        .priority(priority).build();
  }
}
