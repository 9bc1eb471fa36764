package dev.reef.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.DeadLetter;
import dev.reef.Reef;
import dev.reef.RemoteHandlerException;
import dev.reef.RetryPolicy;
import dev.reef.Subscription;
import dev.reef.SubscriptionOptions;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * SPEC §3.9: a failing handler is retried with back-off up to the configured attempts, then its spore
 * is dead-lettered with the error, attempt count and origin; dead letters can be listed and replayed.
 */
class RetryAndDeadLetterConformance extends ConformanceTest {
  private static final RetryPolicy QUICK = new RetryPolicy(3, Duration.ofMillis(20), 1.0, Duration.ofMillis(20));
  private static final int MARKER = 1000;

  @Test
  void aHandlerFailingTwiceIsAttemptedThreeTimesByDefault() {
    Reef receiver = connect();
    Reef sender = connect();
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    Handled succeeded = new Handled();
    channel(receiver).subscribe("flaky", (spore, context) -> {
      if (n(spore) != MARKER) {
        attempts.add(context.attempt());
        if (context.attempt() < 3) {
          throw new IllegalStateException("transient failure " + context.attempt());
        }
      }
      succeeded.record(spore, context);
      return null;
    });

    join(channel(sender).send("client", "flaky", n(1)));

    eventually().until(() -> succeeded.count() == 1);
    join(channel(sender).send("client", "flaky", n(MARKER))); // behind anything the success could have put back
    eventually().until(() -> succeeded.numbers().contains(MARKER));
    assertThat(attempts).as("attempts seen by the handler").containsExactly(1, 2, 3);
    assertThat(succeeded.numbers()).as("spores handled").containsExactly(1, MARKER);
    assertThat(receiver.stats().failed()).as("failed runs").isEqualTo(2);
    assertThat(receiver.stats().retried()).as("retries").isEqualTo(2);
    assertThat(receiver.stats().deadLettered()).as("dead letters").isZero();
    assertThat(deadLetters(sender)).isEmpty();
  }

  @Test
  void retriesWaitTheirBackOff() {
    Reef reef = connect();
    List<Long> attemptNanos = new CopyOnWriteArrayList<>();
    RetryPolicy policy = new RetryPolicy(3, Duration.ofMillis(150), 2.0, Duration.ofSeconds(1));
    channel(reef).subscribe("flaky", SubscriptionOptions.builder().retry(policy).build(), (spore, context) -> {
      attemptNanos.add(System.nanoTime());
      if (context.attempt() < 3) {
        throw new IllegalStateException("transient failure");
      }
      return null;
    });

    join(channel(reef).send("client", "flaky", n(1)));

    eventually().until(() -> attemptNanos.size() == 3);
    long firstGapMillis = (attemptNanos.get(1) - attemptNanos.get(0)) / 1_000_000;
    long secondGapMillis = (attemptNanos.get(2) - attemptNanos.get(1)) / 1_000_000;
    assertThat(firstGapMillis).as("ms between attempts 1 and 2 (back-off 150 ms)").isGreaterThanOrEqualTo(140);
    assertThat(secondGapMillis).as("ms between attempts 2 and 3 (back-off 300 ms)").isGreaterThanOrEqualTo(290);
  }

  @Test
  void anAlwaysFailingHandlerIsDeadLetteredWithErrorAttemptsAndOrigin() {
    Reef receiver = connect();
    Reef sender = connect();
    Handled runs = new Handled();
    channel(receiver).subscribe("doomed", SubscriptionOptions.builder().retry(QUICK).build(), (spore, context) -> {
      runs.record(spore, context);
      if (spore.knowledge().has("n")) {
        return null; // the marker
      }
      throw new IllegalArgumentException("cannot process order 7");
    });

    Spore spore = Spore.builder(SporeType.KNOWLEDGE).from("client").to("doomed").knowledge(Map.of("order", 7)).build();
    Instant sentAt = Instant.now();
    join(channel(sender).send(spore));

    eventually().until(() -> deadLetters(sender).size() == 1);
    DeadLetter dead = deadLetters(sender).get(0);
    assertThat(dead.spore()).as("the dead-lettered spore").contains(spore);
    assertThat(dead.channel()).isEqualTo(channelName());
    assertThat(dead.agent()).as("the agent that gave up").isEqualTo("doomed");
    assertThat(dead.attempts()).as("attempts").isEqualTo(3);
    assertThat(dead.error()).contains("cannot process order 7").contains("IllegalArgumentException");
    assertThat(dead.deadLetteredAt()).isAfterOrEqualTo(sentAt.minusSeconds(1));
    assertThat(dead.id()).isNotBlank();
    join(channel(sender).send("client", "doomed", n(MARKER))); // behind anything dead-lettering could have put back
    eventually().until(() -> runs.entries().stream().anyMatch(run -> run.spore().knowledge().has("n")));
    assertThat(runs.count()).as("handler runs, the marker's included").isEqualTo(4);
    assertThat(runs.entries()).extracting(Handled.Entry::attempt).containsExactly(1, 2, 3, 1);
    assertThat(receiver.stats().deadLettered()).isEqualTo(1);
  }

  @Test
  void aDeadLetterIsReplayedAsAFirstAttemptOnceTheHandlerIsFixed() {
    Reef receiver = connect();
    Reef operator = connect();
    AtomicBoolean fixed = new AtomicBoolean();
    Handled succeeded = new Handled();
    channel(receiver).subscribe("repairable", SubscriptionOptions.builder().retry(QUICK).build(), (spore, context) -> {
      if (!fixed.get()) {
        throw new IllegalStateException("not fixed yet");
      }
      succeeded.record(spore, context);
      return null;
    });
    Spore spore = Spore.builder(SporeType.KNOWLEDGE).from("client").to("repairable").knowledge(n(5)).build();
    join(channel(receiver).send(spore));
    eventually().until(() -> deadLetters(operator).size() == 1);

    fixed.set(true);
    join(operator.deadLetters().replay(deadLetters(operator).get(0).id()));

    eventually().until(() -> succeeded.count() == 1);
    Handled.Entry replayed = succeeded.entries().get(0);
    assertThat(replayed.spore().id()).as("id of the replayed spore").isEqualTo(spore.id());
    assertThat(replayed.spore().knowledge()).isEqualTo(spore.knowledge());
    assertThat(replayed.attempt()).as("attempt of a replayed spore").isEqualTo(1);
    eventually().until(() -> deadLetters(operator).isEmpty());
    join(channel(operator).send("client", "repairable", n(MARKER)));
    eventually().until(() -> succeeded.numbers().contains(MARKER));
    assertThat(succeeded.numbers()).as("spores handled").containsExactly(5, MARKER);
  }

  @Test
  void aReplayGoesOnlyToTheAgentThatGaveUp() {
    Reef reef = connect();
    AtomicBoolean fixed = new AtomicBoolean();
    Handled handled = new Handled();
    channel(reef).subscribe("steady", handled.recorder());
    channel(reef).subscribe("fragile", SubscriptionOptions.builder().retry(QUICK).build(), (spore, context) -> {
      if (!fixed.get()) {
        throw new IllegalStateException("fragile");
      }
      handled.record(spore, context);
      return null;
    });

    join(channel(reef).broadcast("announcer", n(1)));
    eventually().until(() -> deadLetters(reef).size() == 1 && handled.countFor("steady") == 1);
    assertThat(deadLetters(reef).get(0).agent()).isEqualTo("fragile");

    fixed.set(true);
    join(reef.deadLetters().replay(deadLetters(reef).get(0).id()));

    eventually().until(() -> handled.countFor("fragile") == 1);
    join(channel(reef).send("client", "steady", n(MARKER))); // behind the replay, had it gone to 'steady' too
    eventually().until(() -> handled.numbersOf("steady").contains(MARKER));
    assertThat(handled.numbersOf("steady")).as("spores handled by the agent that had handled it")
        .containsExactly(1, MARKER);
  }

  @Test
  void aFailingRequestIsRetriedBeforeItsCallerHearsOfTheFailure() {
    Reef reef = connect();
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    channel(reef).subscribe("doomed", SubscriptionOptions.builder().retry(QUICK).build(), (spore, context) -> {
      attempts.add(context.attempt());
      throw new IllegalStateException("always failing, attempt " + context.attempt());
    });

    CompletableFuture<Spore> reply = channel(reef).request("client", "doomed", n(1), Duration.ofSeconds(5));

    assertThat(failureOf(reply)).isInstanceOf(RemoteHandlerException.class).hasMessageContaining("attempt 3");
    assertThat(attempts).containsExactly(1, 2, 3);
    eventually().until(() -> deadLetters(reef).size() == 1);
  }

  @Test
  void aSporeWhoseHandlerFailsWhileItsInstanceStopsIsStillRetried() {
    Reef first = connect();
    Reef second = connect();
    Gate gate = newGate();
    Subscription leaving = channel(first).subscribe("worker", SubscriptionOptions.builder().retry(QUICK).build(),
        (spore, context) -> {
          gate.pass();
          throw new IllegalStateException("failed while its instance was stopping");
        });
    join(channel(second).send("client", "worker", n(1)));
    eventually().until(() -> gate.waiting() == 1);
    Handled handled = new Handled();
    channel(second).subscribe("worker", SubscriptionOptions.builder().retry(QUICK).build(), handled.recorder());

    CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> leaving.close(Duration.ofSeconds(5)));
    eventually().until(() -> !leaving.isActive());
    gate.open(); // attempt 1 of 3 fails during the drain
    join(closing);

    eventually().until(() -> handled.count() == 1);
    assertThat(handled.entries().get(0).attempt()).as("attempt that succeeded").isEqualTo(2);
    assertThat(deadLetters(second)).as("dead letters").isEmpty();
  }

  @Test
  void replayingAnUnknownDeadLetterFailsNamingIt() {
    Reef reef = connect();

    assertThatThrownBy(() -> reef.deadLetters().replay("no-such-dead-letter"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no-such-dead-letter");
  }

  @Test
  void deadLettersCanBePurged() {
    Reef reef = connect();
    channel(reef).subscribe("doomed", SubscriptionOptions.builder().retry(RetryPolicy.attempts(1)).build(),
        (spore, context) -> {
          throw new IllegalStateException("doomed");
        });
    join(channel(reef).send("client", "doomed", n(1)));
    join(channel(reef).send("client", "doomed", n(2)));
    eventually().until(() -> deadLetters(reef).size() == 2);

    assertThat(reef.deadLetters().purge()).as("dead letters purged").isGreaterThanOrEqualTo(2);
    assertThat(reef.deadLetters().list()).isEmpty();
  }

  /** The dead letters of this test's channel, oldest first. */
  private List<DeadLetter> deadLetters(Reef reef) {
    return reef.deadLetters().list().stream().filter(dead -> channelName().equals(dead.channel())).toList();
  }
}
