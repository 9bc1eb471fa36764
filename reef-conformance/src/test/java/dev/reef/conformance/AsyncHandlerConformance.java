package dev.reef.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.Channel;
import dev.reef.Concurrency;
import dev.reef.DeadLetter;
import dev.reef.Reef;
import dev.reef.RemoteHandlerException;
import dev.reef.RetryPolicy;
import dev.reef.SubscriptionOptions;
import dev.reef.spore.Spore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * SPEC §3.12: a handler that returns a {@code CompletionStage} is asynchronous. Its spore is settled,
 * and a request answered, when the stage completes, not when the handler returns; the open stage
 * counts against the prefetch; a stage that fails is retried and dead-lettered as a throw is; and
 * the handler's thread is free meanwhile, so a sequential agent can have many questions out at once.
 * A result that cannot be a JSON object fails the caller with an error naming its type.
 */
class AsyncHandlerConformance extends ConformanceTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final RetryPolicy QUICK = new RetryPolicy(3, Duration.ofMillis(20), 1.0, Duration.ofMillis(20));
  private static final int MARKER = 1000;

  /** A question the oracle holds, and the answer it will complete. */
  private record Question(Spore spore, CompletableFuture<Object> answer) {}

  @Test
  void aRequestIsAnsweredAndSettledWhenItsStageCompletesNotWhenTheHandlerReturns() {
    Reef receiver = connect();
    Reef requester = connect();
    Map<Integer, CompletableFuture<Object>> stages = new ConcurrentHashMap<>();
    Handled markers = new Handled();
    // Sequential, one thread: the marker can only be handled once the first handler has returned.
    channel(receiver).subscribe("async", (spore, context) -> {
      if (n(spore) == MARKER) {
        markers.record(spore, context);
        return null;
      }
      return stages.computeIfAbsent(n(spore), n -> new CompletableFuture<>());
    });

    CompletableFuture<Spore> reply = channel(requester).request("client", "async", n(1), TIMEOUT);
    eventually().until(() -> stages.containsKey(1));
    join(channel(requester).send("client", "async", n(MARKER)));
    eventually().until(() -> markers.count() == 1);

    assertThat(reply).as("the reply while the handler's stage is open").isNotDone();
    eventually().untilAsserted(() -> assertThat(receiver.stats().inFlight())
        .as("deliveries the receiver holds unsettled: the request, whose stage is open").isEqualTo(1));

    stages.get(1).complete(Map.of("answer", 42));

    assertThat(join(reply).knowledge().get("answer").asInt()).as("the stage's value, as the reply").isEqualTo(42);
    eventually().untilAsserted(() -> assertThat(receiver.stats().inFlight()).as("unsettled deliveries").isZero());
  }

  @Test
  void aSporeWhoseStageIsStillOpenWhenItsReefClosesGoesToAnotherInstance() {
    Reef doomed = connect();
    Reef survivor = connect();
    Reef sender = connect();
    CompletableFuture<Object> neverInTime = new CompletableFuture<>();
    Handled inDoomed = new Handled();
    channel(doomed).subscribe("worker", (spore, context) -> {
      inDoomed.record(spore, context);
      return neverInTime; // the handler returned; its spore is not done until this completes
    });
    join(channel(sender).send("client", "worker", n(1)));
    eventually().until(() -> inDoomed.count() == 1);

    Handled inSurvivor = new Handled();
    channel(survivor).subscribe("worker", inSurvivor.recorder());
    CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> doomed.close(Duration.ofMillis(200)));

    eventually().until(() -> inSurvivor.count() == 1);
    neverInTime.complete(null); // too late: the spore went back to the queue unacknowledged
    join(closing);
    join(channel(sender).send("client", "worker", n(MARKER))); // behind anything the late completion put back
    eventually().until(() -> inSurvivor.numbers().contains(MARKER));
    assertThat(inSurvivor.numbers()).as("spores handled by the surviving instance").containsExactly(1, MARKER);
    assertThat(deadLetters(survivor)).isEmpty();
  }

  @Test
  void aStageThatFailsIsRetriedThenDeadLetteredAndTheCallerGetsTheError() {
    Reef receiver = connect();
    Reef requester = connect();
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    channel(receiver).subscribe("doomed", SubscriptionOptions.builder().retry(QUICK).build(), (spore, context) -> {
      int attempt = context.attempt();
      attempts.add(attempt);
      return CompletableFuture.supplyAsync(() -> {
        throw new IllegalStateException("the model is down, attempt " + attempt);
      }, CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS));
    });

    CompletableFuture<Spore> reply = channel(requester).request("client", "doomed", n(1), TIMEOUT);

    assertThat(failureOf(reply)).isInstanceOf(RemoteHandlerException.class)
        .hasMessageContaining("IllegalStateException").hasMessageContaining("the model is down, attempt 3");
    assertThat(attempts).as("attempts the handler saw").containsExactly(1, 2, 3);
    eventually().until(() -> deadLetters(requester).size() == 1);
    DeadLetter dead = deadLetters(requester).get(0);
    assertThat(dead.agent()).isEqualTo("doomed");
    assertThat(dead.attempts()).isEqualTo(3);
    assertThat(dead.error()).contains("the model is down, attempt 3");
    assertThat(receiver.stats().retried()).as("retries").isEqualTo(2);
  }

  @Test
  void openStagesCountAgainstThePrefetch() {
    Reef reef = connect();
    Queue<CompletableFuture<Object>> open = new ConcurrentLinkedQueue<>();
    Handled started = new Handled();
    // One thread that is free again at once: only the prefetch of 2 keeps a third spore away.
    channel(reef).subscribe("bounded", SubscriptionOptions.builder().poolSize(1).prefetch(2).build(),
        (spore, context) -> {
          started.record(spore, context);
          CompletableFuture<Object> stage = new CompletableFuture<>();
          open.add(stage);
          return stage;
        });
    List<CompletableFuture<Void>> sends = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      sends.add(channel(reef).send("client", "bounded", n(i)));
    }
    joinAll(sends);

    eventually().until(() -> started.count() == 2);
    // No marker can show that a third spore was not delivered: watch for a while.
    holdsFor(() -> assertThat(started.count()).as("handler runs while 2 stages are open").isEqualTo(2));

    open.poll().complete(null);
    eventually().until(() -> started.count() == 3);
    holdsFor(() -> assertThat(started.count()).as("handler runs once one stage of 3 completed").isEqualTo(3));

    eventually().until(() -> {
      CompletableFuture<Object> next = open.poll();
      if (next != null) {
        next.complete(null);
      }
      return started.count() == 5 && open.isEmpty();
    });
    assertThat(started.numbers()).as("spores started, in order").containsExactly(0, 1, 2, 3, 4);
    eventually().untilAsserted(() -> assertThat(reef.stats().inFlight()).as("unsettled deliveries").isZero());
  }

  @Test
  void aSequentialAgentReturningTheFutureOfItsQuestionHasAHundredQuestionsOutAtOnce() {
    int calls = 100;
    Reef agents = connect();
    Reef client = connect();
    Queue<Question> waiting = new ConcurrentLinkedQueue<>();
    AtomicInteger asked = new AtomicInteger();
    // The oracle answers nobody until all 100 questions are in: they must all be out at once.
    channel(agents).subscribe("oracle", SubscriptionOptions.builder().prefetch(128).build(), (spore, context) -> {
      Question question = new Question(spore, new CompletableFuture<>());
      waiting.add(question);
      if (asked.incrementAndGet() == calls) {
        waiting.forEach(each -> each.answer().complete(each.spore().knowledge()));
      }
      return question.answer();
    });
    channel(agents).subscribe("asker", SubscriptionOptions.builder().concurrency(Concurrency.SEQUENTIAL).poolSize(1)
        .prefetch(128).build(), (spore, context) -> context.request("oracle", spore.knowledge(), Duration.ofSeconds(20)));

    Channel out = channel(client);
    List<CompletableFuture<Spore>> replies = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      replies.add(out.request("client", "asker", n(i), Duration.ofSeconds(20)));
    }

    CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).orTimeout(25, TimeUnit.SECONDS)
        .exceptionally(error -> {
          throw new AssertionError("not every request was answered; the oracle was asked " + asked.get()
              + " of " + calls + " questions at once", error);
        }).join();
    assertThat(replies).extracting(reply -> n(reply.join())).as("the answers, in the order asked")
        .containsExactlyElementsOf(upTo(calls));
  }

  @Test
  void aResultThatCannotBeAJsonObjectFailsTheCallerNamingItsType() {
    Reef receiver = connect();
    Reef requester = connect();
    channel(receiver).subscribe("returns-thread", (spore, context) -> new Thread(() -> { }));
    channel(receiver).subscribe("completes-with-thread",
        (spore, context) -> CompletableFuture.supplyAsync(() -> new Thread(() -> { })));
    channel(receiver).subscribe("completes-with-nothing-json",
        (spore, context) -> CompletableFuture.completedFuture(new Object()));

    for (String agent : List.of("returns-thread", "completes-with-thread")) {
      Throwable failure = failureOf(channel(requester).request("client", agent, n(1), TIMEOUT));
      assertThat(failure).as("the reply of %s", agent).isInstanceOf(RemoteHandlerException.class)
          .hasMessageContaining("returned a java.lang.Thread, which cannot be a reply's knowledge");
    }
    Throwable empty = failureOf(channel(requester).request("client", "completes-with-nothing-json", n(1), TIMEOUT));
    assertThat(empty).as("the reply of an object without properties, which would be {}")
        .isInstanceOf(RemoteHandlerException.class)
        .hasMessageContaining("returned a java.lang.Object, which cannot be a reply's knowledge");
  }

  /** The dead letters of this test's channel, oldest first. */
  private List<DeadLetter> deadLetters(Reef reef) {
    return reef.deadLetters().list().stream().filter(dead -> channelName().equals(dead.channel())).toList();
  }
}
