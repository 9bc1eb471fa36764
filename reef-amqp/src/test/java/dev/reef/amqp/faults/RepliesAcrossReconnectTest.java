package dev.reef.amqp.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.Reef;
import dev.reef.spore.Spore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SPEC §3.3: a request whose requester lost its connection while waiting is still answered once it
 * is back. On a private node, every connection is cut while requests wait for a slow responder; the
 * requester reconnects much later than the responder, so the responder finishes requests and
 * replies while the requester's reply queue is gone. The responder sends such a reply again until
 * the requester's queue is back (its name survives the reconnect), within {@code reply_wait_ms}; and
 * once it is back, the requester sends the requests still waiting again, which the responder answers
 * from the replies it kept, so that a reply lost all the same comes again. No handler runs twice.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class RepliesAcrossReconnectTest {
  private static final int REQUESTS_PER_ROUND = 12;
  private static final Duration HANDLING = Duration.ofMillis(250);
  private static PrivateRabbitNode node;

  @BeforeAll
  static void startNode() {
    node = PrivateRabbitNode.builder().namePrefix("reef-replies").start();
  }

  @AfterAll
  static void closeNode() {
    if (node != null) {
      node.close();
    }
  }

  private static Reef reef(String namespace, String query) {
    return Reef.builder().uri(node.amqpUri() + "/?" + query).namespace(namespace)
        .drainTimeout(Duration.ofSeconds(2)).build();
  }

  /** What became of the requests: each one's outcome (null: answered), and how often the handler ran. */
  private record Outcomes(List<Throwable> errors, int runs) {}

  /** The outcomes of requests sent in rounds, each round cut short by closing every connection. */
  private static Outcomes requestAcrossCuts(String namespace, String responderQuery, Duration timeout)
      throws Exception {
    try (Reef responder = reef(namespace, "recovery_interval_ms=200&" + responderQuery);
        Reef requester = reef(namespace, "recovery_interval_ms=2500")) {
      AtomicInteger started = new AtomicInteger();
      responder.channel("main").subscribe("slow", (spore, ctx) -> {
        started.incrementAndGet();
        Thread.sleep(HANDLING.toMillis());
        return Map.of("n", spore.knowledge().get("n").asInt());
      });
      List<CompletableFuture<Spore>> replies = new ArrayList<>();
      for (int round = 0; round < 3; round++) {
        int before = started.get();
        for (int i = 0; i < REQUESTS_PER_ROUND; i++) {
          replies.add(requester.channel("main").request("client", "slow", Map.of("n", replies.size()), timeout));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> started.get() >= before + 2);
        node.rabbitmqctl("close_all_connections", "reef replies-across-reconnect test");
        await().atMost(Duration.ofSeconds(30)).until(() -> requester.isConnected() && responder.isConnected());
      }
      List<Throwable> outcomes = new ArrayList<>();
      for (int n = 0; n < replies.size(); n++) {
        try {
          Spore reply = replies.get(n).get(timeout.toSeconds() + 10, TimeUnit.SECONDS);
          assertThat(reply.knowledge().get("n").asInt()).as("the reply to request %d", n).isEqualTo(n);
          outcomes.add(null);
        } catch (java.util.concurrent.ExecutionException e) {
          outcomes.add(e.getCause());
        }
      }
      return new Outcomes(outcomes, started.get());
    }
  }

  @Test
  void everyRequestIsAnsweredThoughItsRequesterReconnectsWhileTheReplyIsSent() throws Exception {
    Outcomes outcomes = requestAcrossCuts("replies-" + System.nanoTime(), "reply_wait_ms=20000",
        Duration.ofSeconds(40));

    assertThat(outcomes.errors()).as("requests that failed").containsOnlyNulls().hasSize(3 * REQUESTS_PER_ROUND);
    assertThat(outcomes.runs()).as("handler runs").isEqualTo(3 * REQUESTS_PER_ROUND);
  }

  @Test
  void withoutWaitingForTheRequesterTheRequestsSentAgainAreAnsweredFromTheRepliesKept() throws Exception {
    // The responder gives up on each reply at once, so replies made while the requester is away are lost;
    // the requester, back, asks again, and the responder answers from what it kept, not by running again.
    Outcomes outcomes = requestAcrossCuts("impatient-" + System.nanoTime(), "reply_wait_ms=1",
        Duration.ofSeconds(15));

    assertThat(outcomes.errors()).as("requests that failed").containsOnlyNulls().hasSize(3 * REQUESTS_PER_ROUND);
    assertThat(outcomes.runs()).as("handler runs").isEqualTo(3 * REQUESTS_PER_ROUND);
  }
}
