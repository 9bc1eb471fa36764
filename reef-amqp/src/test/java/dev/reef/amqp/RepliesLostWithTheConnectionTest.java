package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.Reef;
import dev.reef.spore.Spore;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SPEC §3.3: "the reply is not lost to a reconnect". A reply the broker has already handed to the
 * requester's connection (auto-acked, gone from the reply queue) dies with that connection, as it
 * does when the requester's node stops. The requester sends the request again once its reply queue
 * is back, and the responder, which has handled it, answers again from the reply it sent: the
 * handler does not run twice.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RepliesLostWithTheConnectionTest {
  private final AmqpTestNamespace namespace = new AmqpTestNamespace();

  @AfterEach
  void cleanUp() {
    namespace.close();
  }

  @Test
  void aReplyLostOnItsWayIsAnsweredAgainWithoutRunningTheHandlerTwice() throws Exception {
    URI broker = URI.create(TestBroker.uri());
    try (ChaosProxy proxy = new ChaosProxy(broker)) {
      Reef responder = namespace.reef();
      Reef requester = namespace.reef(builder -> builder.uri(proxy.uri(broker))
          .set(AmqpOption.RECOVERY_INTERVAL, Duration.ofMillis(200)));
      CountDownLatch started = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      AtomicInteger runs = new AtomicInteger();
      responder.channel("main").subscribe("oracle", (spore, context) -> {
        runs.incrementAndGet();
        started.countDown();
        assertThat(release.await(30, TimeUnit.SECONDS)).as("released").isTrue();
        return Map.of("answer", 42);
      });

      CompletableFuture<Spore> reply = requester.channel("main").request("asker", "oracle", Map.of("q", "?"),
          Duration.ofSeconds(30));
      assertThat(started.await(20, TimeUnit.SECONDS)).as("the handler started").isTrue();
      // The broker may confirm the request after delivering it. A confirm swallowed below would have the
      // requester's publisher send the request again on the new connection, not the request tracker.
      await().atMost(Duration.ofSeconds(20)).until(() -> sum(requester, "reef.spores.sent", "type", "request") == 1.0);
      proxy.swallowFromBroker();
      release.countDown();
      // The reply frames (a method, a header and a body: hundreds of bytes, where a heartbeat is 8) are
      // written by the broker and thrown away: the reply has left its queue and will never arrive.
      await().atMost(Duration.ofSeconds(20)).until(() -> proxy.swallowed() > 200);
      assertThat(reply).as("nothing reached the requester").isNotDone();
      proxy.cutAll();

      Spore answer = reply.get(25, TimeUnit.SECONDS);
      assertThat(answer.knowledge().get("answer").asInt()).isEqualTo(42);
      assertThat(answer.fromAgent()).isEqualTo("oracle");
      assertThat(runs.get()).as("the handler ran once; the request that came again was answered again").isEqualTo(1);
      assertThat(sum(responder, "reef.spores.duplicates")).as("the request came twice to the responder")
          .isGreaterThanOrEqualTo(1.0);
      assertThat(sum(requester, "reef.requests.resent")).as("the requester sent it again").isEqualTo(1.0);
    }
  }

  /** The sum of the counters named {@code meter} with the given tags (key, value, ...). */
  private static double sum(Reef reef, String meter, String... tags) {
    return reef.meterRegistry().find(meter).tags(tags).counters().stream().mapToDouble(c -> c.count()).sum();
  }
}
