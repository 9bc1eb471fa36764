package dev.reef.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.Concurrency;
import dev.reef.Reef;
import dev.reef.SubscriptionOptions;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Handlers on virtual threads (SPEC §3.12): on Java 21+ they run there, many blocking at once; on 17
 * asking for them fails with a clear message. CI runs this class on both JDKs.
 */
class VirtualThreadAgentsTest {
  private static final boolean JAVA_21 = Runtime.version().feature() >= 21;

  private final Reef reef = Reef.builder().uri("memory:").drainTimeout(Duration.ofSeconds(2)).build();

  @AfterEach
  void close() {
    reef.close();
  }

  @Test
  void handlersRunOnVirtualThreadsFromJava21AndAreRefusedClearlyBefore() throws Exception {
    SubscriptionOptions virtual = SubscriptionOptions.builder().virtualThreads(true).concurrency(Concurrency.CONCURRENT)
        .prefetch(200).build();
    if (!JAVA_21) {
      assertThatThrownBy(() -> reef.channel("main").subscribe("sleeper", virtual, (spore, ctx) -> null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("virtual-thread handlers need Java 21 or later")
          .hasMessageContaining("Java " + Runtime.version().feature());
      return;
    }
    Method isVirtual = Thread.class.getMethod("isVirtual"); // Java 21 API, called so that this compiles for 17
    reef.channel("main").subscribe("sleeper", virtual, (spore, ctx) -> {
      Thread.sleep(500);
      return Map.of("virtual", (Boolean) isVirtual.invoke(Thread.currentThread()));
    });

    // 200 handlers that each block for 500 ms finish together, well before 200 x 500 ms.
    long start = System.nanoTime();
    List<CompletableFuture<Boolean>> calls = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      calls.add(reef.channel("main").request("client", "sleeper", Map.of("n", i), Duration.ofSeconds(30))
          .thenApply(reply -> reply.knowledge().get("virtual").asBoolean()));
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    assertThat(calls).allSatisfy(call -> assertThat(call.join()).isTrue());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(50));
  }
}
