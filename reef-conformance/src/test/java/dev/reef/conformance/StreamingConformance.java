package dev.reef.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.Reef;
import dev.reef.RemoteHandlerException;
import dev.reef.ReplyStream;
import dev.reef.RetryPolicy;
import dev.reef.StreamIdleException;
import dev.reef.StreamingReply;
import dev.reef.SubscriptionOptions;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * SPEC §3.14: a request's handler sends parts, then its final reply; the caller, in another Reef,
 * gets every part in order as it comes, then the reply or the error; an idle stream fails; a cancel
 * reaches the handler, which can stop, and no part is handed over after it.
 */
class StreamingConformance extends ConformanceTest {
  private static final Duration IDLE = Duration.ofSeconds(5);
  private static final Duration STREAM_PATIENCE = Duration.ofSeconds(20);
  private static final RetryPolicy QUICK = new RetryPolicy(3, Duration.ofMillis(20), 1.0, Duration.ofMillis(20));

  @Test
  void aThousandPartsArriveInOrderThenTheFinalReply() {
    int parts = 1_000;
    channel(connect()).subscribe("writer", (spore, context) -> {
      ReplyStream stream = context.stream();
      for (int i = 1; i <= parts; i++) {
        stream.send(Map.of("word", "w" + i));
      }
      return Map.of("words", parts);
    });
    List<String> words = new CopyOnWriteArrayList<>();
    AtomicLong partsWhenTheReplyCame = new AtomicLong(-1);

    StreamingReply call = channel(connect()).requestStream("reader", "writer", Map.of("topic", "reefs"), IDLE,
        part -> words.add(part.knowledge().getString("word")));
    Spore reply = join(call.reply().whenComplete((last, error) -> partsWhenTheReplyCame.set(words.size())),
        STREAM_PATIENCE);

    assertThat(reply.knowledge().get("words").asInt()).as("the final reply").isEqualTo(parts);
    assertThat(partsWhenTheReplyCame).as("parts handed over before the final reply").hasValue(parts);
    assertThat(words).as("the parts, in order").containsExactlyElementsOf(
        upTo(parts).stream().map(i -> "w" + (i + 1)).toList());
    assertThat(call.partsReceived()).isEqualTo(parts);
  }

  @Test
  void partsAreResponsesToTheRequestSporeFromTheHandlingAgent() {
    channel(connect()).subscribe("writer", (spore, context) -> {
      context.stream().send(Map.of("word", "hello"));
      return Map.of("done", true);
    });
    List<Spore> parts = new CopyOnWriteArrayList<>();
    Spore request = Spore.builder(SporeType.REQUEST).from("reader").to("writer").knowledge(Map.of("topic", "reefs"))
        .priority(7).build();

    StreamingReply call = channel(connect()).requestStream(request, IDLE, parts::add);
    Spore reply = join(call.reply());

    assertThat(reply.replyTo()).as("reply_to of the final reply").isEqualTo(request.id());
    assertThat(parts).hasSize(1);
    Spore part = parts.get(0);
    assertThat(part.type()).isEqualTo(SporeType.RESPONSE);
    assertThat(part.replyTo()).as("reply_to of the part").isEqualTo(request.id());
    assertThat(part.fromAgent()).isEqualTo("writer");
    assertThat(part.toAgent()).isEqualTo("reader");
  }

  @Test
  void aStreamIdleLongerThanItsTimeoutFailsAndItsHandlerHearsOfIt() {
    Gate gate = newGate();
    CountDownLatch handlerHeard = new CountDownLatch(1);
    channel(connect()).subscribe("stalling", (spore, context) -> {
      ReplyStream stream = context.stream();
      stream.onCancel(handlerHeard::countDown);
      stream.send(Map.of("word", "first"));
      gate.pass(); // a model that stops answering
      return null;
    });
    List<Spore> parts = new CopyOnWriteArrayList<>();

    StreamingReply call = channel(connect()).requestStream("reader", "stalling", Map.of(), Duration.ofMillis(500),
        parts::add);

    assertThat(failureOf(call.reply())).isInstanceOf(StreamIdleException.class)
        .hasMessageContaining("idle for 500 ms after 1 part(s)");
    assertThat(parts).hasSize(1);
    assertThat(await(handlerHeard)).as("the handler was told that the caller gave up").isTrue();
  }

  @Test
  void aCancelReachesTheHandlerWithinASecondAndNoPartIsHandedOverAfterIt() {
    int readUpTo = 5;
    CountDownLatch handlerHeard = new CountDownLatch(1);
    AtomicLong heardAt = new AtomicLong();
    AtomicReference<Throwable> sendAfterCancel = new AtomicReference<>();
    channel(connect()).subscribe("writer", (spore, context) -> {
      ReplyStream stream = context.stream();
      if (spore.knowledge().has("short")) {
        stream.send(Map.of("n", 1));
        return Map.of("done", true);
      }
      stream.onCancel(() -> {
        heardAt.set(System.nanoTime());
        handlerHeard.countDown();
      });
      long deadline = System.nanoTime() + STREAM_PATIENCE.toNanos(); // a bound, should the cancel never come
      while (!stream.isCancelled() && System.nanoTime() < deadline) {
        stream.send(Map.of("n", stream.partsSent() + 1));
        Thread.sleep(5);
      }
      sendAfterCancel.set(failure(stream.send(Map.of("n", -1))));
      return Map.of("done", true);
    });
    Reef reader = connect();
    List<Integer> handedOver = new CopyOnWriteArrayList<>();
    AtomicLong cancelledAt = new AtomicLong();
    AtomicReference<StreamingReply> call = new AtomicReference<>();
    CountDownLatch started = new CountDownLatch(1);

    // The reader stops while it reads part 5: on the lane that hands parts over, so "after" is exact.
    call.set(channel(reader).requestStream("reader", "writer", Map.of(), IDLE, part -> {
      handedOver.add(n(part));
      if (handedOver.size() == readUpTo) {
        await(started);
        cancelledAt.set(System.nanoTime());
        call.get().cancel();
      }
    }));
    started.countDown();

    // get() would throw a CancellationException itself: read the failure as a value.
    Throwable cancelled = join(call.get().reply().handle((ok, error) -> error));
    assertThat(cancelled).isInstanceOf(CancellationException.class);
    assertThat(await(handlerHeard)).as("the handler heard of the cancel").isTrue();
    assertThat(Duration.ofNanos(heardAt.get() - cancelledAt.get())).as("from the cancel to the handler")
        .isLessThan(Duration.ofSeconds(1));
    eventually().untilAsserted(() -> assertThat(sendAfterCancel.get())
        .as("a part the handler sends after the cancel").isInstanceOf(CancellationException.class));
    // A second stream from the same writer comes back the same way, after every late part of the first.
    List<Spore> secondParts = new CopyOnWriteArrayList<>();
    join(channel(reader).requestStream("reader", "writer", Map.of("short", true), IDLE, secondParts::add).reply());
    assertThat(secondParts).hasSize(1);
    assertThat(handedOver).as("parts handed over: up to the one the reader cancelled on, none after")
        .containsExactly(1, 2, 3, 4, 5);
    assertThat(call.get().partsReceived()).isEqualTo(readUpTo);
  }

  @Test
  void aHandlerThatFailsAfterSomePartsFailsTheStreamWithTheRemoteError() {
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    channel(connect()).subscribe("broken", SubscriptionOptions.builder().retry(QUICK).build(), (spore, context) -> {
      attempts.add(context.attempt());
      ReplyStream stream = context.stream();
      join(stream.send(Map.of("n", 1)));
      join(stream.send(Map.of("n", 2)));
      throw new IllegalStateException("the model lost its train of thought");
    });
    List<Integer> parts = new CopyOnWriteArrayList<>();

    StreamingReply call = channel(connect()).requestStream("reader", "broken", Map.of(), IDLE,
        part -> parts.add(n(part)));

    Throwable failure = failureOf(call.reply(), STREAM_PATIENCE);
    assertThat(failure).isInstanceOf(RemoteHandlerException.class)
        .hasMessageContaining("IllegalStateException").hasMessageContaining("the model lost its train of thought");
    assertThat(((RemoteHandlerException) failure).agent()).isEqualTo("broken");
    assertThat(attempts).as("attempts, retried as any failing request").containsExactly(1, 2, 3);
    assertThat(parts).as("parts handed over, each once, before the error").containsExactly(1, 2);
  }

  @Test
  void aHandlerThatSendsNoPartsAnswersAStreamedRequestAsAPlainOne() {
    channel(connect()).subscribe("terse", (spore, context) -> Map.of("answer", 42));
    List<Spore> parts = new CopyOnWriteArrayList<>();

    StreamingReply call = channel(connect()).requestStream("reader", "terse", Map.of(), IDLE, parts::add);

    assertThat(join(call.reply()).knowledge().get("answer").asInt()).isEqualTo(42);
    assertThat(parts).isEmpty();
  }

  @Test
  void aPlainRequestToAStreamingHandlerGetsOnlyTheFinalReply() {
    channel(connect()).subscribe("writer", (spore, context) -> {
      for (int i = 1; i <= 3; i++) {
        join(context.stream().send(Map.of("word", "w" + i)));
      }
      return Map.of("words", 3);
    });

    Spore reply = join(channel(connect()).request("reader", "writer", Map.of(), IDLE));

    assertThat(reply.knowledge().toMap()).as("the reply to a request that did not ask for parts")
        .isEqualTo(Map.of("words", 3));
  }

  /** The value of {@code future}, waiting at most {@code within}. */
  private static <T> T join(CompletableFuture<T> future, Duration within) {
    try {
      return future.get(within.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("expected the future to complete within " + within + ", but: " + e, e);
    }
  }

  /** Why {@code future} failed (it fails at once or not at all), or null. */
  private static Throwable failure(CompletableFuture<?> future) {
    return future.handle((ok, error) -> error).getNow(null);
  }

  /** Waits for {@code latch} up to the patience; false when it did not open. */
  private static boolean await(CountDownLatch latch) {
    try {
      return latch.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
