package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Connection;
import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.UnknownDestinationException;
import dev.reef.Observation;
import dev.reef.spore.Spore;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Observing a channel on the broker: copies of the traffic, and unknown destinations still detected. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ChannelObserverTest {
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
  void anObserverSeesDirectedSporesAndBroadcastsWithoutTakingThemFromTheAgents() throws Exception {
    Reef agents = namespace.reef();
    Queue<Spore> handled = new ConcurrentLinkedQueue<>();
    agents.channel("main").subscribe("worker", (spore, context) -> {
      handled.add(spore);
      return null;
    });
    Reef watcher = namespace.reef();
    await().atMost(Duration.ofSeconds(5)).until(() -> watcher.directory().onlineAgents("main").contains("worker"));
    Queue<Spore> seen = new ConcurrentLinkedQueue<>();
    try (AutoCloseable tail = watcher.channel("main").observe((channel, spore) -> seen.add(spore))) {
      await().atMost(Duration.ofSeconds(5))
          .until(() -> ((ChannelObserver) tail).isBound());

      Channel main = namespace.reef().channel("main");
      main.send("boss", "worker", Map.of("job", 1)).get(5, TimeUnit.SECONDS);
      main.broadcast("boss", Map.of("news", "hello")).get(5, TimeUnit.SECONDS);

      await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 2 && handled.size() == 2);
      assertThat(seen).extracting(Spore::id).containsExactlyInAnyOrderElementsOf(
          handled.stream().map(Spore::id).toList());
    }
  }

  @Test
  void aSendToAnUnknownAgentStillFailsWhileTheChannelIsObserved() throws Exception {
    Reef agents = namespace.reef();
    agents.channel("main").subscribe("worker", (spore, context) -> null);
    Reef watcher = namespace.reef();
    Queue<Spore> seen = new ConcurrentLinkedQueue<>();
    try (AutoCloseable tail = watcher.channel("main").observe((channel, spore) -> seen.add(spore))) {
      await().atMost(Duration.ofSeconds(5))
          .until(() -> ((ChannelObserver) tail).isBound());
      Channel main = namespace.reef().channel("main");

      assertThatThrownBy(() -> main.send("boss", "nobody", Map.of("job", 2)).get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(UnknownDestinationException.class)
          .hasMessageContaining("nobody");
      main.send("boss", "worker", Map.of("job", 3)).get(5, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(5)).until(() -> !seen.isEmpty());
      assertThat(seen).extracting(Spore::toAgent).containsExactly("worker");
    }
  }

  @Test
  void anObserverOfAChannelNobodyUsedYetBindsOnceItIsUsedAndSeesAgentsFromTheirFirstSpore() throws Exception {
    Reef watcher = namespace.reef();
    Queue<Spore> seen = new ConcurrentLinkedQueue<>();
    try (AutoCloseable tail = watcher.channel("main").observe((channel, spore) -> seen.add(spore))) {
      ChannelObserver observer = (ChannelObserver) tail;
      assertThat(observer.isBound()).isFalse(); // nothing declared for the channel yet
      Reef agents = namespace.reef();
      agents.channel("main").subscribe("early", (spore, context) -> null);
      await().atMost(Duration.ofSeconds(5)).until(observer::isBound);

      // An agent that appears now is seen from its first spore: no directory, no wait.
      agents.channel("main").subscribe("latecomer", (spore, context) -> null);
      namespace.reef().channel("main").send("boss", "latecomer", Map.of("job", 4)).get(5, TimeUnit.SECONDS);

      await().atMost(Duration.ofSeconds(5)).until(() -> !seen.isEmpty());
      assertThat(seen).extracting(Spore::toAgent).containsExactly("latecomer");
    }
  }

  @Test
  void anAgentThatStoppedBeforeTheObserverStartedIsStillObserved() throws Exception {
    try (Reef gone = namespace.reef()) {
      gone.channel("main").subscribe("sleeper", (spore, context) -> null).close();
    }
    Reef watcher = namespace.reef(); // its directory never heard of 'sleeper'
    Queue<Spore> seen = new ConcurrentLinkedQueue<>();
    try (AutoCloseable tail = watcher.channel("main").observe((channel, spore) -> seen.add(spore))) {
      await().atMost(Duration.ofSeconds(5)).until(((ChannelObserver) tail)::isBound);

      namespace.reef().channel("main").send("boss", "sleeper", Map.of("job", 5)).get(5, TimeUnit.SECONDS);

      await().atMost(Duration.ofSeconds(5)).until(() -> !seen.isEmpty());
      assertThat(seen).extracting(Spore::toAgent).containsExactly("sleeper");
    }
  }

  @Test
  void anObserverSeesOnlyItsOwnChannelAndItsQueueGoesWhenClosed() throws Exception {
    Reef agents = namespace.reef();
    agents.channel("main").subscribe("worker", (spore, context) -> null);
    agents.channel("other").subscribe("elsewhere", (spore, context) -> null);
    Reef watcher = namespace.reef();
    Queue<Spore> seen = new ConcurrentLinkedQueue<>();
    Observation tail = watcher.channel("main").observe((channel, spore) -> seen.add(spore));
    ChannelObserver observer = (ChannelObserver) tail;
    await().atMost(Duration.ofSeconds(5)).until(observer::isBound);
    String queue = observer.queue();
    assertThat(exclusiveQueueExists(queue)).isTrue();
    Reef sender = namespace.reef();
    sender.channel("other").send("boss", "elsewhere", Map.of("job", 6)).get(5, TimeUnit.SECONDS);
    sender.channel("other").broadcast("boss", Map.of("news", "elsewhere")).get(5, TimeUnit.SECONDS);
    sender.channel("main").send("boss", "worker", Map.of("job", 7)).get(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).until(() -> !seen.isEmpty());

    tail.close();

    assertThat(seen).extracting(Spore::toAgent).containsExactly("worker"); // published after the others
    assertThat(exclusiveQueueExists(queue)).isFalse();
  }

  /** Another connection may not use an exclusive queue: the broker says 405 when it exists, 404 when not. */
  private static boolean exclusiveQueueExists(String queue) throws Exception {
    try (Connection connection = TestBroker.rawConnection(); com.rabbitmq.client.Channel channel = connection.createChannel()) {
      channel.queueDeclarePassive(queue);
      return true;
    } catch (IOException e) {
      String reason = BrokerReason.of(e);
      assertThat(reason).matches("(404|405) .*");
      return reason.startsWith("405");
    }
  }

  @Test
  void anObserverThatThrowsDoesNotStopTheObservation() throws Exception {
    Reef agents = namespace.reef();
    agents.channel("main").subscribe("worker", (spore, context) -> null);
    Reef watcher = namespace.reef();
    Queue<Spore> seen = new ConcurrentLinkedQueue<>();
    try (AutoCloseable tail = watcher.channel("main").observe((channel, spore) -> {
      seen.add(spore);
      throw new IllegalStateException("observer bug");
    })) {
      await().atMost(Duration.ofSeconds(5)).until(() -> ((ChannelObserver) tail).isBound());
      Channel main = namespace.reef().channel("main");
      for (int i = 0; i < 3; i++) {
        main.send("boss", "worker", Map.of("job", i)).get(5, TimeUnit.SECONDS);
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 3);
      assertThat(seen).extracting(spore -> spore.knowledge().get("job").asInt()).containsExactlyInAnyOrderElementsOf(
          List.of(0, 1, 2));
    }
  }
}
