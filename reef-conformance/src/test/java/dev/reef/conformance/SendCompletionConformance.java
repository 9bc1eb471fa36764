package dev.reef.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.UnknownDestinationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * SPEC §3.11: a send completes when the backend has taken responsibility for the spore, and a send
 * that cannot be taken fails its future. Nothing fails silently.
 */
class SendCompletionConformance extends ConformanceTest {
  private static final int MARKER = 1000;

  @Test
  void aSendCompletesNormallyAndItsSporeIsThenHandled() {
    Reef receiver = connect();
    Reef sender = connect();
    Handled handled = new Handled();
    channel(receiver).subscribe("worker", handled.recorder());

    CompletableFuture<Void> send = channel(sender).send("client", "worker", n(1));

    assertThat(join(send)).as("value of a completed send").isNull();
    assertThat(sender.stats().sent()).as("spores the sender counts as sent").isEqualTo(1);
    eventually().until(() -> handled.count() == 1);
  }

  @Test
  void aBroadcastCompletesNormally() {
    Reef reef = connect();
    Handled handled = new Handled();
    channel(reef).subscribe("listener", handled.recorder());

    assertThat(join(channel(reef).broadcast("announcer", n(1)))).isNull();
    eventually().until(() -> handled.count() == 1);
  }

  @Test
  void aSendThatCannotBeTakenFailsItsFutureInsteadOfThrowing() {
    Reef reef = connect();

    CompletableFuture<Void> send = channel(reef).send("client", "never-subscribed", n(1));

    assertThat(failureOf(send)).isInstanceOf(UnknownDestinationException.class)
        .hasMessageContaining("never-subscribed");
    assertThat(reef.stats().sent()).as("failed sends are not counted as sent").isZero();
  }

  @Test
  void manyConcurrentSendsAllCompleteAndAllArrive() throws Exception {
    Reef receiver = connect();
    Reef sender = connect();
    Handled handled = new Handled();
    channel(receiver).subscribe("worker", handled.recorder());
    Channel out = channel(sender);

    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<CompletableFuture<Void>> sends = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        Map<String, Object> knowledge = n(i);
        sends.add(CompletableFuture.supplyAsync(() -> out.send("client", "worker", knowledge), threads)
            .thenCompose(send -> send));
      }
      joinAll(sends);
    } finally {
      threads.shutdownNow();
    }

    eventually().until(() -> handled.count() >= 200);
    join(out.send("client", "worker", n(MARKER)));
    eventually().until(() -> handled.numbers().contains(MARKER));
    assertThat(handled.numbers()).containsExactlyInAnyOrderElementsOf(plus(upTo(200), MARKER));
    assertThat(sender.stats().sent()).isEqualTo(201);
  }
}
