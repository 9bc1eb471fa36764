package dev.reef.inmemory.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.Channel;
import dev.reef.Concurrency;
import dev.reef.Reef;
import dev.reef.RemoteHandlerException;
import dev.reef.ReplyStream;
import dev.reef.StreamIdleException;
import dev.reef.StreamingReply;
import dev.reef.SubscriptionOptions;
import dev.reef.UnprocessableSporeException;
import dev.reef.spore.Spore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Typed, asynchronous and streamed replies across two Reefs on one in-memory broker (SPEC §3.12-3.14). */
class StreamingAndAsyncTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  record Order(String id, Instant placedAt, Optional<String> note, Line line) {}

  record Line(String sku, int quantity) {}

  record Receipt(String orderId, int total) {}

  private final String broker = "streams-" + UUID.randomUUID();
  private final List<Reef> reefs = new ArrayList<>();

  private Reef reef() {
    Reef reef = Reef.builder().uri("memory://" + broker).drainTimeout(Duration.ofSeconds(2)).build();
    reefs.add(reef);
    return reef;
  }

  @AfterEach
  void close() {
    reefs.forEach(reef -> reef.close(Duration.ofSeconds(2)));
  }

  @Test
  void aRecordRoundTripsAndATypedRequestReadsItsReply() {
    Channel responder = reef().channel("main");
    responder.subscribe("shop", (spore, ctx) -> {
      Order order = spore.knowledge(Order.class);
      return new Receipt(order.id(), order.line().quantity() * 3);
    });
    Order order = new Order("o-1", Instant.parse("2026-12-04T10:15:30.123456Z"), Optional.of("fragile"),
        new Line("sku-9", 4));

    Receipt receipt = reef().channel("main").request("client", "shop", order, Receipt.class, WAIT)
        .orTimeout(10, TimeUnit.SECONDS).join();

    assertThat(receipt).isEqualTo(new Receipt("o-1", 12));
  }

  @Test
  void aSequentialAgentThatReturnsAFutureDoesNotHoldItsThread() {
    Reef reef = reef();
    Channel channel = reef.channel("main");
    channel.subscribe("worker", (spore, ctx) -> Map.of("n", spore.knowledge().get("n").asInt()));
    channel.subscribe("asker", SubscriptionOptions.builder().concurrency(Concurrency.SEQUENTIAL).poolSize(1)
        .prefetch(128).build(), (spore, ctx) -> ctx.request("worker", spore.knowledge(), WAIT));

    Channel client = reef().channel("main");
    List<CompletableFuture<Spore>> calls = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      calls.add(client.request("client", "asker", Map.of("n", i), WAIT));
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).orTimeout(20, TimeUnit.SECONDS).join();
    assertThat(calls).extracting(call -> call.join().knowledge().get("n").asInt())
        .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 100).boxed().toList());
  }

  @Test
  void partsArriveInOrderThenTheFinalReply() {
    reef().channel("main").subscribe("writer", (spore, ctx) -> {
      ReplyStream stream = ctx.stream();
      for (int i = 1; i <= 1_000; i++) {
        stream.send(Map.of("token", "w" + i));
      }
      return Map.of("done", true);
    });
    List<String> tokens = new CopyOnWriteArrayList<>();

    StreamingReply call = reef().channel("main").requestStream("client", "writer", Map.of("q", "write"),
        Duration.ofSeconds(5), part -> tokens.add(part.knowledge().getString("token")));

    Spore last = call.reply().orTimeout(20, TimeUnit.SECONDS).join();
    assertThat(last.knowledge().get("done").asBoolean()).isTrue();
    assertThat(tokens).hasSize(1_000);
    for (int i = 0; i < 1_000; i++) {
      assertThat(tokens.get(i)).isEqualTo("w" + (i + 1));
    }
    assertThat(call.partsReceived()).isEqualTo(1_000);
  }

  @Test
  void aCancelReachesTheHandlerAndNoPartIsDeliveredAfterIt() throws Exception {
    CountDownLatch cancelled = new CountDownLatch(1);
    AtomicBoolean sawCancel = new AtomicBoolean();
    reef().channel("main").subscribe("writer", (spore, ctx) -> {
      ReplyStream stream = ctx.stream();
      stream.onCancel(cancelled::countDown);
      while (!stream.isCancelled()) {
        stream.send(Map.of("t", stream.partsSent()));
        Thread.sleep(5);
      }
      sawCancel.set(true);
      return null;
    });
    AtomicLong delivered = new AtomicLong();
    CountDownLatch some = new CountDownLatch(5);
    StreamingReply call = reef().channel("main").requestStream("client", "writer", Map.of(), Duration.ofSeconds(5),
        part -> {
          delivered.incrementAndGet();
          some.countDown();
        });
    assertThat(some.await(5, TimeUnit.SECONDS)).isTrue();

    call.cancel();
    long atCancel = delivered.get();
    assertThat(cancelled.await(1, TimeUnit.SECONDS)).as("the handler hears the cancel within 1 s").isTrue();
    await().atMost(WAIT).untilTrue(sawCancel);
    Thread.sleep(100);
    assertThat(delivered.get()).as("parts handed over after the cancel").isLessThanOrEqualTo(atCancel + 1);
    assertThat(call.reply()).isCompletedExceptionally();
    assertThat(call.reply().handle((ok, error) -> error).join()).isInstanceOf(CancellationException.class);
  }

  @Test
  void anIdleStreamFailsAndAnErrorAfterSomePartsFailsItWithTheRemoteError() {
    reef().channel("main").subscribe("slow", (spore, ctx) -> {
      ctx.stream().send(Map.of("t", 1));
      Thread.sleep(2_000);
      return null;
    });
    reef().channel("main").subscribe("broken", (spore, ctx) -> {
      ctx.stream().send(Map.of("t", 1));
      ctx.stream().send(Map.of("t", 2));
      throw new UnprocessableSporeException("cannot write that");
    });
    Channel client = reef().channel("main");

    StreamingReply idle = client.requestStream("client", "slow", Map.of(), Duration.ofMillis(300), part -> { });
    assertThat(idle.reply().handle((ok, error) -> error).orTimeout(10, TimeUnit.SECONDS).join())
        .isInstanceOf(StreamIdleException.class).hasMessageContaining("after 1 part(s)");

    List<Spore> parts = new CopyOnWriteArrayList<>();
    StreamingReply failing = client.requestStream("client", "broken", Map.of(), Duration.ofSeconds(5), parts::add);
    Throwable error = failing.reply().handle((ok, e) -> e).orTimeout(10, TimeUnit.SECONDS).join();
    assertThat(error).isInstanceOf(RemoteHandlerException.class).hasMessageContaining("cannot write that");
    assertThat(parts).hasSize(2);
  }
}
