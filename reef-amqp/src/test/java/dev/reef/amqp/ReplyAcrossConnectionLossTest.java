package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.Reef;
import dev.reef.spore.Spore;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SPEC §3.3 and §5 (connection loss is survived): a reply sent while the requester's connection is
 * down waits in its reply queue and reaches the caller once the connection is back, instead of
 * finding no queue and leaving the request to time out.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReplyAcrossConnectionLossTest {
  private final AmqpTestNamespace namespace = new AmqpTestNamespace();

  @AfterEach
  void cleanUp() {
    namespace.close();
  }

  @Test
  void aReplySentWhileTheRequesterReconnectsStillReachesIt() throws Exception {
    URI broker = URI.create(TestBroker.uri());
    try (ChaosProxy proxy = new ChaosProxy(broker)) {
      Reef responder = namespace.reef();
      CountDownLatch asked = new CountDownLatch(1);
      CountDownLatch cut = new CountDownLatch(1);
      responder.channel("rpc").subscribe("oracle", (spore, context) -> {
        asked.countDown();
        cut.await(20, TimeUnit.SECONDS);
        return Map.of("answer", 42);
      });
      // The requester reconnects only after a second: the reply is sent while it is away.
      Reef requester = namespace.reef(builder -> builder.uri(proxy.uri(broker)).recoveryInterval(Duration.ofSeconds(1)));
      CompletableFuture<Spore> reply = requester.channel("rpc").request("asker", "oracle", Map.of("q", "?"),
          Duration.ofSeconds(30));

      assertThat(asked.await(20, TimeUnit.SECONDS)).as("the request arrived").isTrue();
      proxy.cutAll();
      Thread.sleep(200); // the broker notices the cut connection
      cut.countDown();

      assertThat(reply.get(30, TimeUnit.SECONDS).knowledge().get("answer").asInt()).isEqualTo(42);
    }
  }
}
