package dev.reef.inmemory.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.AccessDeniedException;
import dev.reef.Action;
import dev.reef.DeadLetter;
import dev.reef.Reef;
import dev.reef.RemoteHandlerException;
import dev.reef.RetryPolicy;
import dev.reef.SubscriptionOptions;
import dev.reef.inmemory.InMemoryBroker;
import dev.reef.spi.Outbound;
import dev.reef.spi.ReefBackend;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Handler timeouts, misrouted spores and refused replies (SPEC §3.3, §3.9, §8) on the in-memory backend. */
class TimeoutsAndRefusalsTest {
  private static final RetryPolicy QUICK = new RetryPolicy(2, Duration.ofMillis(10), 1.0, Duration.ofMillis(10));

  private final InMemoryBroker broker = InMemoryBroker.create();
  private final List<Reef> reefs = new ArrayList<>();

  private Reef reef(Reef.Builder builder) {
    Reef reef = builder.backend(broker.connect("reef")).drainTimeout(Duration.ofSeconds(2)).build();
    reefs.add(reef);
    return reef;
  }

  @AfterEach
  void close() {
    reefs.forEach(reef -> reef.close(Duration.ofSeconds(2)));
    broker.close();
  }

  @Test
  void aHungHandlerIsInterruptedRetriedThenDeadLetteredAndItsLaneRunsOn() {
    Reef reef = reef(Reef.builder());
    AtomicInteger runs = new AtomicInteger();
    reef.channel("main").subscribe("sleeper", SubscriptionOptions.builder().retry(QUICK)
        .handlerTimeout(Duration.ofMillis(200)).build(), (spore, ctx) -> {
          if (spore.knowledge().get("hang").asBoolean()) {
            runs.incrementAndGet();
            Thread.sleep(Long.MAX_VALUE);
          }
          return Map.of("ok", true);
        });

    reef.channel("main").send("client", "sleeper", Map.of("hang", true)).join();

    await().atMost(Duration.ofSeconds(10)).until(() -> reef.deadLetters().list().size() == 1);
    DeadLetter letter = reef.deadLetters().list().get(0);
    assertThat(letter.error()).contains("HandlerTimeoutException").contains("longer than 200 ms");
    assertThat(letter.attempts()).isEqualTo(2);
    assertThat(runs).hasValue(2);
    // The sequential agent's only thread was given back: it answers the next request.
    Spore reply = reef.channel("main").request("client", "sleeper", Map.of("hang", false), Duration.ofSeconds(5))
        .orTimeout(10, TimeUnit.SECONDS).join();
    assertThat(reply.knowledge().get("ok").asBoolean()).isTrue();
  }

  @Test
  void anAsynchronousResultThatNeverCompletesTimesOutToo() {
    Reef reef = reef(Reef.builder());
    CompletableFuture<Object> never = new CompletableFuture<>();
    reef.channel("main").subscribe("waiter", SubscriptionOptions.builder().retry(RetryPolicy.attempts(1))
        .handlerTimeout(Duration.ofMillis(200)).build(), (spore, ctx) -> never);

    Throwable error = reef.channel("main").request("client", "waiter", Map.of(), Duration.ofSeconds(5))
        .handle((ok, e) -> e).orTimeout(10, TimeUnit.SECONDS).join();

    assertThat(error).isInstanceOf(RemoteHandlerException.class).hasMessageContaining("HandlerTimeoutException");
    assertThat(never).isCancelled();
  }

  @Test
  void aSporePublishedIntoAnotherAgentsQueueIsDeadLetteredNotHandled() {
    Reef reef = reef(Reef.builder());
    AtomicInteger handled = new AtomicInteger();
    reef.channel("main").subscribe("victim", (spore, ctx) -> handled.incrementAndGet());
    ReefBackend raw = broker.connect("reef");
    Spore forged = Spore.builder(SporeType.KNOWLEDGE).from("mallory").to("admin").knowledge(Map.of("x", 1)).build();

    // Routed to the victim's queue while addressed to someone else: what a forged routing key does on AMQP.
    raw.publish(new Outbound("main", forged, "victim", null, 1)).join();

    await().atMost(Duration.ofSeconds(5)).until(() -> reef.deadLetters().list().size() == 1);
    assertThat(reef.deadLetters().list().get(0).error()).contains("to_agent 'admin' is not this queue's agent");
    assertThat(handled).hasValue(0);
  }

  @Test
  void aRefusedReplyFailsTheRequestAtOnceNotAtItsTimeout() {
    Reef responder = reef(Reef.builder().authorizer(request -> request.action() == Action.REPLY ? "no replies" : null));
    responder.channel("main").subscribe("mute", (spore, ctx) -> Map.of("secret", 42));

    long start = System.nanoTime();
    Throwable error = reef(Reef.builder()).channel("main").request("client", "mute", Map.of(), Duration.ofSeconds(30))
        .handle((ok, e) -> e).orTimeout(10, TimeUnit.SECONDS).join();

    assertThat(error).isInstanceOf(RemoteHandlerException.class)
        .hasMessageContaining(AccessDeniedException.class.getName()).hasMessageContaining("no replies");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }
}
