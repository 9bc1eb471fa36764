package dev.reef.internal.engine;

import dev.reef.RetryPolicy;
import dev.reef.Subscription;
import dev.reef.SubscriptionOptions;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reef.internal.engine.FakeBackend.FakeConsumer;
import dev.reef.internal.engine.FakeBackend.FakeDelivery;
import dev.reef.internal.engine.FakeBackend.FakeDelivery.Outcome;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import io.vertx.core.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The consumer pipeline of SPEC §3.8–3.12, driven delivery by delivery through a {@link FakeBackend}. */
class AgentInstanceTest extends WithFakeBackend {

  @Test
  void subscribingOpensOneConsumerWithTheOptions() {
    Subscription subscription = channel.subscribe("worker",
        SubscriptionOptions.builder().prefetch(7).capabilities("search").build(), (spore, ctx) -> null);
    FakeConsumer consumer = backend.consumer();
    assertThat(consumer.spec.channel()).isEqualTo("main");
    assertThat(consumer.spec.agentName()).isEqualTo("worker");
    assertThat(consumer.spec.instanceId()).isEqualTo(subscription.instanceId());
    assertThat(consumer.spec.prefetch()).isEqualTo(7);
    assertThat(subscription.agentName()).isEqualTo("worker");
    assertThat(subscription.channel()).isEqualTo("main");
    assertThat(subscription.isActive()).isTrue();
  }

  @Test
  void theHandlerRunsOnAWorkerThreadAndTheSporeIsAckedOnlyAfterIt() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Boolean> onWorker = new CompletableFuture<>();
    channel.subscribe("worker", (spore, ctx) -> {
      onWorker.complete(Context.isOnWorkerThread());
      release.await();
      return null;
    });

    FakeDelivery delivery = backend.consumer().deliver(directed("alice", "worker"));

    assertThat(onWorker.get(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(delivery.outcome).isNotDone();
    assertThat(reef.stats().inFlight()).isEqualTo(1);
    release.countDown();
    assertThat(outcomeOf(delivery)).isEqualTo(Outcome.ACK);
    assertThat(delivery.settlements).hasValue(1);
    // The gauge drops just after the settlement itself.
    waitUntil("nothing is held any more", () -> reef.stats().inFlight() == 0);
    assertThat(reef.stats().handled()).isEqualTo(1);
    assertThat(reef.stats().received()).isEqualTo(1);
  }

  @Test
  void theHandlerSeesTheSporeAndItsContext() throws Exception {
    CompletableFuture<String> seen = new CompletableFuture<>();
    Subscription subscription = channel.subscribe("worker", (spore, ctx) -> {
      seen.complete(spore.knowledge().getString("say") + " " + ctx.agentName() + " " + ctx.instanceId() + " "
          + ctx.channel().name() + " " + ctx.attempt());
      return null;
    });
    Spore spore = Spore.builder(SporeType.KNOWLEDGE).from("alice").to("worker").knowledge(Map.of("say", "hi")).build();
    backend.consumer().deliver(spore, 2, null);
    assertThat(seen.get(WAIT_SECONDS, TimeUnit.SECONDS))
        .isEqualTo("hi worker " + subscription.instanceId() + " main 2");
  }

  @Test
  void anExpiredSporeIsAckedCountedAndNeverHandled() throws Exception {
    AtomicInteger handled = new AtomicInteger();
    channel.subscribe("worker", (spore, ctx) -> handled.incrementAndGet());
    Spore expired = Spore.builder(SporeType.KNOWLEDGE).from("alice").to("worker")
        .expiresAt(Instant.now().minusSeconds(1)).build();

    FakeDelivery delivery = backend.consumer().deliver(expired);

    assertThat(delivery.outcome).isCompletedWithValue(Outcome.ACK);
    assertThat(reef.stats().expired()).isEqualTo(1);
    assertThat(handled).hasValue(0);
  }

  @Test
  void anAgentDoesNotHandleItsOwnBroadcast() throws Exception {
    AtomicInteger handled = new AtomicInteger();
    channel.subscribe("alice", (spore, ctx) -> handled.incrementAndGet());

    FakeDelivery own = backend.consumer().deliver(Spore.builder(SporeType.BROADCAST).from("alice").build());
    assertThat(own.outcome).isCompletedWithValue(Outcome.ACK);

    FakeDelivery other = backend.consumer().deliver(Spore.builder(SporeType.BROADCAST).from("bob").build());
    assertThat(outcomeOf(other)).isEqualTo(Outcome.ACK);
    assertThat(handled).hasValue(1);
  }

  @Test
  void aSporeHandledBeforeIsSuppressedAsADuplicate() throws Exception {
    AtomicInteger handled = new AtomicInteger();
    channel.subscribe("worker", (spore, ctx) -> handled.incrementAndGet());
    Spore spore = directed("alice", "worker");

    assertThat(outcomeOf(backend.consumer().deliver(spore))).isEqualTo(Outcome.ACK);
    FakeDelivery again = backend.consumer().deliver(spore, 1, null);

    assertThat(outcomeOf(again)).isEqualTo(Outcome.ACK);
    assertThat(handled).hasValue(1);
    assertThat(reef.stats().duplicates()).isEqualTo(1);
  }

  @Test
  void theDuplicateWindowIsSharedByTheInstancesOfOneAgent() throws Exception {
    AtomicInteger handled = new AtomicInteger();
    channel.subscribe("worker", (spore, ctx) -> handled.incrementAndGet());
    channel.subscribe("worker", (spore, ctx) -> handled.incrementAndGet());
    Spore spore = directed("alice", "worker");

    assertThat(outcomeOf(backend.consumers.get(0).deliver(spore))).isEqualTo(Outcome.ACK);
    assertThat(outcomeOf(backend.consumers.get(1).deliver(spore, 1, null))).isEqualTo(Outcome.ACK);
    assertThat(handled).hasValue(1);
  }

  @Test
  void aWindowOfZeroHandlesEveryDelivery() throws Exception {
    AtomicInteger handled = new AtomicInteger();
    channel.subscribe("worker", SubscriptionOptions.builder().duplicateWindow(0).build(),
        (spore, ctx) -> handled.incrementAndGet());
    Spore spore = directed("alice", "worker");
    outcomeOf(backend.consumer().deliver(spore));
    outcomeOf(backend.consumer().deliver(spore));
    assertThat(handled).hasValue(2);
  }

  @Test
  void aFailedAttemptIsRetriedWithTheBackoffOfThePolicy() throws Exception {
    RetryPolicy policy = new RetryPolicy(3, Duration.ofMillis(40), 3.0, Duration.ofSeconds(1));
    channel.subscribe("worker", SubscriptionOptions.builder().retry(policy).build(), (spore, ctx) -> {
      throw new IllegalStateException("boom on attempt " + ctx.attempt());
    });
    Spore spore = directed("alice", "worker");

    FakeDelivery first = backend.consumer().deliver(spore, 1, null);
    assertThat(outcomeOf(first)).isEqualTo(Outcome.RETRY);
    assertThat(first.retryDelay).isEqualTo(Duration.ofMillis(40));
    assertThat(first.retryError).isEqualTo("java.lang.IllegalStateException: boom on attempt 1");

    // The failed attempt released its id: the retry is handled, not suppressed as a duplicate.
    FakeDelivery second = backend.consumer().deliver(spore, 2, null);
    assertThat(outcomeOf(second)).isEqualTo(Outcome.RETRY);
    assertThat(second.retryDelay).isEqualTo(Duration.ofMillis(120));
    assertThat(reef.stats().duplicates()).isZero();
  }

  @Test
  void theLastFailedAttemptDeadLettersWithErrorAttemptsAndAgent() throws Exception {
    channel.subscribe("worker", (spore, ctx) -> {
      throw new IllegalArgumentException("bad input");
    });

    FakeDelivery last = backend.consumer().deliver(directed("alice", "worker"), 3, null);

    assertThat(outcomeOf(last)).isEqualTo(Outcome.DEAD_LETTER);
    assertThat(last.deadLetterReason.error()).isEqualTo("java.lang.IllegalArgumentException: bad input");
    assertThat(last.deadLetterReason.attempts()).isEqualTo(3);
    assertThat(last.deadLetterReason.agent()).isEqualTo("worker");
    assertThat(reef.stats().failed()).isEqualTo(1);
    assertThat(reef.stats().deadLettered()).isEqualTo(1);
    assertThat(reef.stats().retried()).isZero();
  }

  @Test
  void oneAttemptMeansNoRetry() throws Exception {
    channel.subscribe("worker", SubscriptionOptions.builder().retry(RetryPolicy.attempts(1)).build(),
        (spore, ctx) -> {
          throw new Exception("checked");
        });
    assertThat(outcomeOf(backend.consumer().deliver(directed("alice", "worker")))).isEqualTo(Outcome.DEAD_LETTER);
  }

  @Test
  void aRequestIsAnsweredWithTheHandlersReturnValueThenAcked() throws Exception {
    channel.subscribe("answerer", (spore, ctx) -> Map.of("echo", spore.knowledge().getString("q")));
    Spore request = Spore.builder(SporeType.REQUEST).from("asker").to("answerer").knowledge(Map.of("q", "ping"))
        .build();

    FakeDelivery delivery = backend.consumer().deliver(request, 1, "reply-here");

    assertThat(outcomeOf(delivery)).isEqualTo(Outcome.ACK);
    assertThat(backend.replies).hasSize(1);
    FakeBackend.SentReply sent = backend.replies.get(0);
    assertThat(sent.address()).isEqualTo("reply-here");
    assertThat(sent.spore().type()).isEqualTo(SporeType.RESPONSE);
    assertThat(sent.spore().replyTo()).isEqualTo(request.id());
    assertThat(sent.spore().fromAgent()).isEqualTo("answerer");
    assertThat(sent.spore().toAgent()).isEqualTo("asker");
    assertThat(sent.spore().knowledge().getString("echo")).isEqualTo("ping");
  }

  @Test
  void aRequestWithoutReplyAddressIsAnsweredThroughTheChannel() throws Exception {
    channel.subscribe("answerer", (spore, ctx) -> Map.of("ok", true));
    Spore request = Spore.builder(SporeType.REQUEST).from("asker").to("answerer").build();

    assertThat(outcomeOf(backend.consumer().deliver(request, 1, null))).isEqualTo(Outcome.ACK);

    assertThat(backend.replies).isEmpty();
    assertThat(backend.published).singleElement().satisfies(outbound -> {
      assertThat(outbound.targetAgent()).isEqualTo("asker");
      assertThat(outbound.spore().replyTo()).isEqualTo(request.id());
    });
  }

  @Test
  void anExplicitReplyIsTheOnlyReply() throws Exception {
    CompletableFuture<Throwable> secondReply = new CompletableFuture<>();
    channel.subscribe("answerer", (spore, ctx) -> {
      ctx.reply(Map.of("n", 1));
      try {
        ctx.reply(Map.of("n", 2));
        secondReply.complete(null);
      } catch (IllegalStateException e) {
        secondReply.complete(e);
      }
      return Map.of("n", 3);
    });
    Spore request = Spore.builder(SporeType.REQUEST).from("asker").to("answerer").build();

    assertThat(outcomeOf(backend.consumer().deliver(request, 1, "addr"))).isEqualTo(Outcome.ACK);

    assertThat(secondReply.get(WAIT_SECONDS, TimeUnit.SECONDS)).hasMessageContaining("already answered");
    assertThat(backend.replies).singleElement()
        .satisfies(reply -> assertThat(reply.spore().knowledge().get("n").intValue()).isEqualTo(1));
  }

  @Test
  void replyingToASporeThatIsNotARequestFails() throws Exception {
    CompletableFuture<Throwable> error = new CompletableFuture<>();
    channel.subscribe("worker", (spore, ctx) -> {
      try {
        ctx.reply(Map.of());
        error.complete(null);
      } catch (IllegalStateException e) {
        error.complete(e);
      }
      return null;
    });
    backend.consumer().deliver(directed("alice", "worker"));
    assertThat(error.get(WAIT_SECONDS, TimeUnit.SECONDS)).hasMessageContaining("not a request");
  }

  @Test
  void aRequestWhoseHandlerFailsForGoodGetsAnErrorReply() throws Exception {
    channel.subscribe("answerer", (spore, ctx) -> {
      throw new UnsupportedOperationException("cannot answer");
    });
    Spore request = Spore.builder(SporeType.REQUEST).from("asker").to("answerer").build();

    assertThat(outcomeOf(backend.consumer().deliver(request, 1, "addr"))).isEqualTo(Outcome.RETRY);
    assertThat(backend.replies).as("no reply while attempts remain").isEmpty();

    assertThat(outcomeOf(backend.consumer().deliver(request, 3, "addr"))).isEqualTo(Outcome.DEAD_LETTER);
    waitUntil("the error reply is sent", () -> backend.replies.size() == 1);
    Spore reply = backend.replies.get(0).spore();
    assertThat(reply.replyTo()).isEqualTo(request.id());
    JsonNode error = reply.metadata().get(Replies.ERROR_KEY);
    assertThat(error.path("type").asText()).isEqualTo("java.lang.UnsupportedOperationException");
    assertThat(error.path("message").asText()).isEqualTo("cannot answer");
    assertThat(error.path("agent").asText()).isEqualTo("answerer");
  }

  @Test
  void aHandlerResultThatIsNotAJsonObjectBecomesAnErrorReply() throws Exception {
    channel.subscribe("answerer", (spore, ctx) -> List.of(1, 2));
    Spore request = Spore.builder(SporeType.REQUEST).from("asker").to("answerer").build();

    assertThat(outcomeOf(backend.consumer().deliver(request, 1, "addr"))).isEqualTo(Outcome.ACK);
    Spore reply = backend.replies.get(0).spore();
    assertThat(reply.metadata().get(Replies.ERROR_KEY).path("message").asText())
        .contains("knowledge").contains("an array");
  }

  @Test
  void aSequentialAgentHandlesOneAtATimeInDeliveryOrder() throws Exception {
    List<Integer> order = new CopyOnWriteArrayList<>();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    channel.subscribe("worker", (spore, ctx) -> {
      maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
      order.add(spore.knowledge().get("n").intValue());
      running.decrementAndGet();
      return null;
    });
    List<FakeDelivery> deliveries = new ArrayList<>();
    for (int n = 0; n < 200; n++) {
      deliveries.add(backend.consumer().deliver(
          Spore.builder(SporeType.KNOWLEDGE).from("alice").to("worker").knowledge(Map.of("n", n)).build()));
    }
    for (FakeDelivery delivery : deliveries) {
      assertThat(outcomeOf(delivery)).isEqualTo(Outcome.ACK);
    }
    assertThat(order).hasSize(200).isSorted();
    assertThat(maxRunning).hasValue(1);
  }

  @Test
  void aConcurrentAgentRunsUpToItsPoolSizeAtOnce() throws Exception {
    int pool = 4;
    CountDownLatch allRunning = new CountDownLatch(pool);
    channel.subscribe("worker", SubscriptionOptions.builder().concurrent(pool).prefetch(pool).build(),
        (spore, ctx) -> {
          allRunning.countDown();
          // Returns only once all four run together, which a sequential agent could never do.
          if (!allRunning.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError("handlers did not run concurrently");
          }
          return null;
        });
    List<FakeDelivery> deliveries = new ArrayList<>();
    for (int i = 0; i < pool; i++) {
      deliveries.add(backend.consumer().deliver(directed("alice", "worker")));
    }
    for (FakeDelivery delivery : deliveries) {
      assertThat(outcomeOf(delivery)).isEqualTo(Outcome.ACK);
    }
  }

  /**
   * Closing lets the handler in flight finish; a delivery it will not start goes back to the queue,
   * but only once its consumer is cancelled: requeued before, it would come straight back to the same
   * consumer, redelivered (on a classic queue, to be sent again to the end of the queue).
   */
  @Test
  void closingDrainsTheHandlerInFlightThenClosesTheConsumer() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Subscription subscription = channel.subscribe("worker", (spore, ctx) -> {
      started.countDown();
      release.await();
      return null;
    });
    FakeConsumer consumer = backend.consumer();
    FakeDelivery inFlight = consumer.deliver(directed("alice", "worker"));
    assertThat(started.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    CountDownLatch cancelAnswered = new CountDownLatch(1);
    consumer.cancelAnswered = cancelAnswered;

    CompletableFuture<Void> closing = CompletableFuture.runAsync(subscription::close);
    waitUntil("the consumer's cancel is under way", () -> consumer.cancelled.get());
    assertThat(subscription.isActive()).isFalse();
    FakeDelivery beforeTheAnswer = consumer.deliver(directed("alice", "worker"));
    assertThat(beforeTheAnswer.outcome).as("not started, and held while the cancel is under way").isNotDone();

    cancelAnswered.countDown();
    assertThat(outcomeOf(beforeTheAnswer)).isEqualTo(Outcome.REQUEUE);
    FakeDelivery late = consumer.deliver(directed("alice", "worker"));
    assertThat(late.outcome).isCompletedWithValue(Outcome.REQUEUE);
    assertThat(closing).isNotDone();

    release.countDown();
    closing.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(outcomeOf(inFlight)).isEqualTo(Outcome.ACK);
    assertThat(consumer.closed).isTrue();
  }

  @Test
  void unstartedDeliveriesGoBackEvenWhenTheCancelFails() throws Exception {
    Subscription subscription = channel.subscribe("worker", (spore, ctx) -> null);
    FakeConsumer consumer = backend.consumer();
    CountDownLatch cancelAnswered = new CountDownLatch(1);
    consumer.cancelAnswered = cancelAnswered;
    consumer.cancelFailure = new IllegalStateException("the channel broke during the cancel");

    CompletableFuture<Void> closing = CompletableFuture.runAsync(subscription::close);
    waitUntil("the consumer's cancel is under way", () -> consumer.cancelled.get());
    FakeDelivery held = consumer.deliver(directed("alice", "worker"));
    assertThat(held.outcome).isNotDone();
    cancelAnswered.countDown();

    assertThat(outcomeOf(held)).isEqualTo(Outcome.REQUEUE);
    assertThat(closing).failsWithin(WAIT_SECONDS, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
        .withMessageContaining("the channel broke during the cancel");
  }

  /**
   * SPEC §3.9: a failing handler is retried up to the configured attempts. An instance that is
   * shutting down cannot run the retry itself, but the backend's retry returns the spore to the
   * agent's queue for any instance, so shutting down must not cut the attempts short.
   */
  @Test
  void aHandlerThatFailsWhileItsInstanceDrainsIsNotDeadLetteredEarly() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Subscription subscription = channel.subscribe("worker", (spore, ctx) -> {
      started.countDown();
      release.await();
      throw new IllegalStateException("transient failure");
    });
    FakeDelivery inFlight = backend.consumer().deliver(directed("alice", "worker"), 1, null);
    assertThat(started.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Void> closing = CompletableFuture.runAsync(subscription::close);
    waitUntil("the instance stops accepting", () -> !subscription.isActive());
    release.countDown();
    closing.get(WAIT_SECONDS, TimeUnit.SECONDS);

    assertThat(outcomeOf(inFlight)).as("attempt 1 of 3 failed during shutdown").isIn(Outcome.RETRY, Outcome.REQUEUE);
  }

  @Test
  void closingTheReefClosesEveryInstanceAndTheBackend() {
    Subscription one = channel.subscribe("one", (spore, ctx) -> null);
    Subscription two = reef.channel("other").subscribe("two", (spore, ctx) -> null);

    reef.close();

    assertThat(one.isActive()).isFalse();
    assertThat(two.isActive()).isFalse();
    assertThat(backend.consumers).allSatisfy(consumer -> assertThat(consumer.closed).isTrue());
    assertThat(backend.closed).isTrue();
    assertThat(reef.isClosed()).isTrue();
  }
}
