package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.reef.DeadLetter;
import dev.reef.Observation;
import dev.reef.QueueFullException;
import dev.reef.Reef;
import dev.reef.RetryPolicy;
import dev.reef.SubscriptionOptions;
import dev.reef.UnknownDestinationException;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * On a shared broker, Reef leaves nothing behind that nobody asked for, bounds what a queue holds,
 * and stops a spore that its instances never finish (SPEC §3.10, §8).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SharedBrokerHygieneTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private AmqpTestNamespace namespace;

  @BeforeEach
  void openNamespace() {
    namespace = new AmqpTestNamespace();
  }

  @AfterEach
  void deleteNamespace() {
    namespace.close();
  }

  /** The namespace's objects as the management API lists them, asked through a bare connection. */
  private List<String> objects() {
    return namespace.backend().namespaceObjects();
  }

  @Test
  void sendsToAChannelNobodySubscribedLeaveNothingBehind() {
    Reef reef = namespace.reef();

    assertThatThrownBy(() -> reef.channel("typo").send("client", "worker", Map.of("n", 1)).join())
        .hasCauseInstanceOf(UnknownDestinationException.class);
    reef.channel("typo").broadcast("client", Map.of("n", 2)).join(); // goes nowhere, as nobody listens
    for (int i = 0; i < 20; i++) {
      reef.channel("typo-" + i).broadcast("client", Map.of("n", i)).join();
    }

    assertThat(objects()).as("objects of the namespace").noneMatch(name -> name.contains(".typo"));
  }

  @Test
  void readOnlyUseLeavesNoObjectOnceClosed() {
    Reef reader = namespace.reef();
    Observation watching = reader.channel("main").observe((channel, spore) -> {});
    reader.directory().agents();
    reader.deadLetters().list();
    watching.close();
    reader.close();

    assertThat(objects()).as("objects of a namespace only read from").isEmpty();
  }

  @Test
  void anAgentQueueRefusesSporesBeyondItsByteLimit() {
    Reef reef = namespace.reef(builder -> builder.set(AmqpOption.MAX_QUEUE_BYTES, 10_000L));
    reef.channel("main").subscribe("sleepy", (spore, ctx) -> null).close();
    String kilobyte = "x".repeat(1_000);

    int accepted = 0;
    QueueFullException full = null;
    for (int i = 0; i < 30 && full == null; i++) {
      try {
        reef.channel("main").send("client", "sleepy", Map.of("text", kilobyte)).join();
        accepted++;
      } catch (CompletionException e) {
        full = (QueueFullException) e.getCause();
      }
    }

    assertThat(full).as("the send beyond the limit").isNotNull();
    assertThat(accepted).as("spores of about 1 KB a 10,000-byte queue took").isBetween(8, 11);
    assertThat(reef.channel("main").backlog("sleepy")).isEqualTo(accepted);
  }

  @ParameterizedTest
  @EnumSource(QueueType.class)
  void aSporeWhoseInstancesNeverFinishIsDeadLetteredAfterTheAttemptsOfItsPolicy(QueueType type) throws Exception {
    String agent = "fragile";
    SubscriptionOptions twice = SubscriptionOptions.builder().retry(RetryPolicy.attempts(2)).build();
    Reef sender = namespace.reef(builder -> builder.set(AmqpOption.QUEUE_TYPE, type));
    sender.channel("main").subscribe(agent, twice, (spore, ctx) -> null).close();
    Spore spore = Spore.builder(SporeType.KNOWLEDGE).from("client").to(agent).knowledge(Map.of("n", 1)).build();
    sender.channel("main").send(spore).join();

    List<Integer> runs = new CopyOnWriteArrayList<>();
    for (int instance = 1; instance <= 2; instance++) {
      // An instance whose handler never returns, then dies with its connection.
      CountDownLatch started = new CountDownLatch(1);
      Reef doomed = namespace.reef(builder -> builder.set(AmqpOption.QUEUE_TYPE, type));
      doomed.channel("main").subscribe(agent, twice, (received, ctx) -> {
        runs.add(ctx.attempt());
        started.countDown();
        new CountDownLatch(1).await();
        return null;
      });
      assertThat(started.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("run %d started", instance).isTrue();
      namespace.backendOf(doomed).close(); // as a kill would: the spore goes back unsettled
      doomed.close(Duration.ofMillis(100));
    }
    AtomicInteger later = new AtomicInteger();
    Reef survivor = namespace.reef(builder -> builder.set(AmqpOption.QUEUE_TYPE, type));
    survivor.channel("main").subscribe(agent, twice, (received, ctx) -> later.incrementAndGet());

    await().atMost(WAIT).until(() -> !survivor.deadLetters().list().isEmpty());
    DeadLetter dead = survivor.deadLetters().list().get(0);
    assertThat(runs).as("attempts of the runs that never finished").containsExactly(1, 1);
    assertThat(later.get()).as("runs after the policy's attempts were used up").isZero();
    assertThat(dead.spore()).contains(spore);
    assertThat(dead.error()).contains("never finished").contains("delivered 3 times");
    assertThat(dead.attempts()).isEqualTo(2);
  }
}
