package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.Reef;
import dev.reef.SubscriptionOptions;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SPEC §3.10, §3.11, §5: connections cut in the middle of a stream of spores. Every send completes
 * or fails; every completed send is handled, once; duplicates from re-sent publishes and redelivered
 * spores are suppressed and counted.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ConnectionRecoveryTest {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionRecoveryTest.class);
  private static final int SPORES = 3000;

  private final AmqpTestNamespace namespace = new AmqpTestNamespace();

  @AfterEach
  void cleanUp() {
    namespace.close();
  }

  @Test
  void aStreamOfSporesSurvivesConnectionsCutTwice() throws Exception {
    URI broker = URI.create(TestBroker.uri());
    try (ChaosProxy proxy = new ChaosProxy(broker)) {
      String throughProxy = proxy.uri(broker);
      Reef receiver = namespace.reef(builder -> builder.uri(throughProxy)
          .set(AmqpOption.RECOVERY_INTERVAL, Duration.ofMillis(200)));
      Reef sender = namespace.reef(builder -> builder.uri(throughProxy)
          .set(AmqpOption.RECOVERY_INTERVAL, Duration.ofMillis(200))
          .set(AmqpOption.CONFIRM_TIMEOUT, Duration.ofSeconds(20)));
      Set<Integer> handled = ConcurrentHashMap.newKeySet();
      AtomicInteger runs = new AtomicInteger();
      receiver.channel("stream").subscribe("sink", SubscriptionOptions.builder().concurrent(4).prefetch(50).build(),
          (spore, context) -> {
            runs.incrementAndGet();
            handled.add(spore.knowledge().get("n").asInt());
            return null;
          });

      List<CompletableFuture<Void>> sends = new ArrayList<>();
      for (int i = 0; i < SPORES; i++) {
        sends.add(sender.channel("stream").send("source", "sink", Map.of("n", i)));
        if (i == SPORES / 3 || i == 2 * SPORES / 3) {
          proxy.cutAll();
        }
      }

      Set<Integer> confirmed = ConcurrentHashMap.newKeySet();
      AtomicInteger failed = new AtomicInteger();
      for (int i = 0; i < SPORES; i++) {
        int n = i;
        sends.get(i).handle((ok, error) -> {
          if (error == null) {
            confirmed.add(n);
          } else {
            failed.incrementAndGet();
          }
          return null;
        }).get(30, TimeUnit.SECONDS); // every send ends, one way or the other
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> handled.containsAll(confirmed));
      assertThat(receiver.awaitQuiescence(Duration.ofSeconds(10))).isTrue();

      LOG.warn("recovery: {} sent, {} confirmed, {} failed, {} handled, {} handler runs, {} duplicates suppressed",
          SPORES, confirmed.size(), failed.get(), handled.size(), runs.get(), receiver.stats().duplicates());
      assertThat(confirmed.size() + failed.get()).isEqualTo(SPORES);
      assertThat(confirmed).as("confirmed sends: most survive the cuts").hasSizeGreaterThan(SPORES / 2);
      assertThat(handled).as("every confirmed send is handled").containsAll(confirmed);
      assertThat(runs.get()).as("handler runs: no spore handled twice").isEqualTo(handled.size());
    }
  }
}
