package dev.reef.test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.RetryPolicy;
import dev.reef.SubscriptionOptions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

@ReefTest
class ReefAssertionsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void aCleanRunPasses(Reef reef) {
    Channel main = reef.channel("main");
    main.subscribe("echo", (spore, ctx) -> spore.knowledge());
    main.send("me", "echo", Map.of("n", 1)).join();

    ReefAssertions.assertSettledCleanly(reef, WAIT);
  }

  @Test
  void deadLettersAreListed(Reef reef) {
    Channel main = reef.channel("main");
    main.subscribe("fragile", SubscriptionOptions.builder().retry(RetryPolicy.attempts(1)).build(), (spore, ctx) -> {
      throw new IllegalStateException("cannot cope with " + spore.knowledge().getString("what"));
    });
    main.send("me", "fragile", Map.of("what", "rain")).join();
    ReefAssertions.assertQuiescent(reef, WAIT);

    assertThatThrownBy(() -> ReefAssertions.assertNoDeadLetters(reef))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("found 1")
        .hasMessageContaining("agent fragile on channel main, 1 attempt(s)")
        .hasMessageContaining("cannot cope with rain")
        .hasMessageContaining("me -> fragile {\"what\":\"rain\"}");
  }

  @Test
  void aBusyReefIsNotQuiescent(Reef reef) throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    Channel main = reef.channel("main");
    main.subscribe("slow", (spore, ctx) -> {
      release.await();
      return null;
    });
    main.send("me", "slow", Map.of()).join();
    try {
      assertThatThrownBy(() -> ReefAssertions.assertQuiescent(reef, Duration.ofMillis(200)))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("to be quiescent within PT0.2S")
          .hasMessageContaining("in flight");
    } finally {
      release.countDown();
    }
  }
}
