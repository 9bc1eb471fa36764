package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.reef.Channel;
import dev.reef.HistoryEntry;
import dev.reef.HistoryQuery;
import dev.reef.HistoryRetention;
import dev.reef.Reef;
import dev.reef.ReefException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Channel history on RabbitMQ (SPEC §5): a channel that keeps none declares no stream; one that keeps
 * history gets {@code ns.CHANNEL.history}, bound for the agent queues that existed before (found
 * through the directory) and for those declared after; a stream's retention is fixed when it is made.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AmqpHistoryTest {
  private static final HistoryRetention HOUR = HistoryRetention.maxAge(Duration.ofHours(1));

  private AmqpTestNamespace namespace;

  @BeforeEach
  void openNamespace() {
    namespace = new AmqpTestNamespace();
  }

  @AfterEach
  void deleteNamespace() {
    namespace.close();
  }

  @Test
  void aChannelThatKeepsNoHistoryDeclaresNoStream() throws Exception {
    Reef reef = namespace.reef();
    Channel plain = reef.channel("plain");
    plain.subscribe("alice", (spore, context) -> null);
    plain.send("client", "alice", java.util.Map.of("n", 1)).get(5, TimeUnit.SECONDS);
    reef.channel("kept").history().keep(HOUR);
    namespace.alsoDelete(Set.of(namespace.namespace() + ".kept.history"), Set.of());

    assertThat(TestBroker.queueExists(namespace.namespace() + ".plain.history")).isFalse();
    assertThat(plain.history().isKept()).isFalse();
    assertThat(TestBroker.queueExists(namespace.namespace() + ".kept.history")).isTrue();
  }

  @Test
  void agentQueuesThatExistedBeforeHistoryAndThoseDeclaredAfterAreBothInIt() throws Exception {
    Reef before = namespace.reef();
    before.channel("audit").subscribe("early", (spore, context) -> null);
    Reef operator = namespace.reef();
    await().atMost(Duration.ofSeconds(10)).until(() -> operator.directory().onlineAgents("audit").contains("early"));
    Channel channel = operator.channel("audit");
    channel.history().keep(HOUR);
    namespace.alsoDelete(Set.of(namespace.namespace() + ".audit.history"), Set.of());
    namespace.reef().channel("audit").subscribe("late", (spore, context) -> null);

    channel.send("client", "early", java.util.Map.of("n", 1)).get(5, TimeUnit.SECONDS);
    channel.send("client", "late", java.util.Map.of("n", 2)).get(5, TimeUnit.SECONDS);
    channel.broadcast("client", java.util.Map.of("n", 3)).get(5, TimeUnit.SECONDS);

    List<HistoryEntry> entries = await().atMost(Duration.ofSeconds(10))
        .until(() -> channel.history().read(HistoryQuery.all()).entries(), read -> read.size() >= 3);
    assertThat(entries).extracting(entry -> entry.spore().knowledge().get("n").asInt()).containsExactly(1, 2, 3);
  }

  @Test
  void aStreamKeepsTheRetentionItWasMadeWithAndAnotherIsRefusedClearly() {
    Channel channel = namespace.reef().channel("fixed");
    channel.history().keep(HOUR);
    namespace.alsoDelete(Set.of(namespace.namespace() + ".fixed.history"), Set.of());
    channel.history().keep(HOUR); // the same again: nothing happens

    assertThatThrownBy(() -> namespace.reef().channel("fixed").history().keep(HistoryRetention.maxAge(Duration.ofDays(2))))
        .isInstanceOf(ReefException.class).hasMessageContaining("fixed.history")
        .hasMessageContaining("retention is fixed when it is made");
  }
}
