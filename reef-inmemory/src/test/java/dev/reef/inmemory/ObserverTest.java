package dev.reef.inmemory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.UnknownDestinationException;
import dev.reef.spore.Spore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Channel.observe: every spore published on a channel, in order, taken from no one. */
class ObserverTest {

  @Test
  void seesDirectedAndBroadcastSporesInPublishOrderWithoutTakingThem() throws Exception {
    try (Reef reef = Reef.builder().uri("memory:").build()) {
      Channel main = reef.channel("main");
      List<Spore> handled = new CopyOnWriteArrayList<>();
      main.subscribe("worker", (spore, ctx) -> handled.add(spore));
      List<String> seen = new CopyOnWriteArrayList<>();
      AutoCloseable observation = main.observe((channel, spore) -> seen.add(channel + ":" + spore.knowledge()));

      for (int i = 0; i < 100; i++) {
        main.send("boss", "worker", Map.of("n", i)).join();
      }
      main.broadcast("boss", Map.of("n", "all")).join();

      await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 101 && handled.size() == 101);
      assertThat(seen.get(0)).isEqualTo("main:{\"n\":0}");
      assertThat(seen.get(99)).isEqualTo("main:{\"n\":99}");
      assertThat(seen.get(100)).isEqualTo("main:{\"n\":\"all\"}");

      observation.close();
      main.send("boss", "worker", Map.of("n", "after")).join();
      await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 102);
      assertThat(seen).hasSize(101);
    }
  }

  @Test
  void anObserverDoesNotMakeAnUnknownDestinationRoutable() {
    try (Reef reef = Reef.builder().uri("memory:").build()) {
      Channel main = reef.channel("main");
      List<Spore> seen = new CopyOnWriteArrayList<>();
      main.observe((channel, spore) -> seen.add(spore));

      assertThatThrownBy(() -> main.send("boss", "nobody", Map.of()).join())
          .isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(UnknownDestinationException.class);
      assertThat(seen).isEmpty();
    }
  }

  @Test
  void aFailingObserverDoesNotStopTheFeed() {
    try (Reef reef = Reef.builder().uri("memory:").build()) {
      Channel main = reef.channel("main");
      main.subscribe("worker", (spore, ctx) -> null);
      List<Integer> seen = new CopyOnWriteArrayList<>();
      main.observe((channel, spore) -> {
        int n = spore.knowledge().get("n").asInt();
        if (n == 1) {
          throw new IllegalStateException("observer bug");
        }
        seen.add(n);
      });

      for (int i = 0; i < 3; i++) {
        main.send("boss", "worker", Map.of("n", i)).join();
      }

      await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 2);
      assertThat(seen).containsExactly(0, 2);
    }
  }

  @Test
  void rejectsANullObserver() {
    try (Reef reef = Reef.builder().uri("memory:").build()) {
      assertThatThrownBy(() -> reef.channel("main").observe(null))
          .isInstanceOf(NullPointerException.class)
          .hasMessageContaining("observer");
    }
  }
}
