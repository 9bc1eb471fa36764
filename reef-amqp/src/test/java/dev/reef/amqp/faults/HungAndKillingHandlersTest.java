package dev.reef.amqp.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.DeadLetter;
import dev.reef.Reef;
import dev.reef.amqp.process.AgentEvent;
import dev.reef.amqp.process.AgentJvm;
import dev.reef.amqp.process.AgentProcess;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 16, acceptance 4 (SPEC §3.9, §3.10): real agent JVMs on a private node, with a retry policy of
 * {@value #MAX_ATTEMPTS} attempts. A handler that hangs, in an agent with a handler timeout, is cut
 * off {@value #MAX_ATTEMPTS} times and its spore dead-lettered with the timeout as the reason, while
 * the agent goes on with other spores. A handler that kills its JVM ({@code Runtime.halt}) takes down
 * {@value #MAX_ATTEMPTS} JVMs, a replacement started after each; the next one dead-letters the spore
 * unhandled, saying that its handler never finished, on classic queues (Reef's own delivery count)
 * and on quorum queues (the broker's).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class HungAndKillingHandlersTest {
  private static final int MAX_ATTEMPTS = 3;
  private static final Duration HANDLER_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String NAMESPACE = "faults";
  private static final String CHANNEL = "work";

  @RegisterExtension
  final PrivateNodeAndJvms stage = new PrivateNodeAndJvms("reef-hang");

  @Test
  void aHandlerThatHangsIsCutOffEachAttemptAndItsSporeDeadLetteredWithTheTimeout() {
    AgentJvm sleeper = stage.launch(AgentJvm.builder("sleeper").brokerUri(stage.node().amqpUri())
        .namespace(NAMESPACE).channel(CHANNEL).agent("sleeper", 1).handlerTimeout(HANDLER_TIMEOUT)
        .maxAttempts(MAX_ATTEMPTS));
    sleeper.awaitReady(WAIT);
    try (Reef client = client(stage.node().amqpUri())) {
      Spore hanging = send(client, "sleeper", Map.of("batch", "h1", "n", 0, "act", "hang"));
      send(client, "sleeper", Map.of("batch", "h1", "n", 1));

      DeadLetter dead = awaitOneDeadLetter(client);
      print("a handler that hangs", dead);
      List<String> hangs = attempts(sleeper.events("HANGING", "h1"));
      List<String> interrupted = attempts(sleeper.events("INTERRUPTED", "h1"));
      System.out.printf("the hanging handler ran %s time(s) (attempts %s), interrupted at its timeout %s time(s); the "
          + "spore after it was handled: %s%n", hangs.size(), hangs, interrupted.size(),
          sleeper.count("HANDLED", "h1") == 1);

      assertThat(dead.id()).isEqualTo(hanging.id());
      assertThat(dead.agent()).isEqualTo("sleeper");
      assertThat(dead.attempts()).isEqualTo(MAX_ATTEMPTS);
      assertThat(dead.error()).contains("HandlerTimeoutException")
          .contains("took longer than " + HANDLER_TIMEOUT.toMillis() + " ms on spore " + hanging.id());
      assertThat(hangs).as("attempts of the hanging handler").containsExactly("1", "2", "3");
      assertThat(interrupted).as("each cut off at its timeout").containsExactly("1", "2", "3");
      // The sequential agent was not stuck behind the hung handler.
      sleeper.await("HANDLED", "h1", WAIT);
      assertThat(sleeper.isAlive()).isTrue();
    }
  }

  @ParameterizedTest(name = "{0} queues")
  @ValueSource(strings = {"classic", "quorum"})
  void aHandlerThatKillsItsJvmIsDeadLetteredOnceItHasKilledMaxAttemptsJvms(String queueType) {
    String uri = stage.node().amqpUri() + "/?queue_type=" + queueType;
    List<AgentJvm> killed = new ArrayList<>();
    AgentJvm current = launchCrasher(uri, 1).awaitReady(WAIT);
    try (Reef client = client(uri)) {
      Spore fatal = send(client, "crasher", Map.of("batch", "k1", "n", 0, "act", "halt"));
      // Each JVM the spore reaches dies in its handler; a replacement takes the spore back from the queue.
      while (true) {
        AgentJvm jvm = current;
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250))
            .until(() -> !jvm.isAlive() || !client.deadLetters().list().isEmpty());
        if (jvm.isAlive()) {
          break; // it dead-lettered the spore
        }
        killed.add(jvm);
        assertThat(killed).as("JVMs the spore has killed").hasSizeLessThanOrEqualTo(MAX_ATTEMPTS);
        // A replacement may be handed the spore, and die, before it has printed READY: not awaited.
        current = launchCrasher(uri, killed.size() + 1);
      }
      DeadLetter dead = awaitOneDeadLetter(client);
      print("a handler that kills its JVM (" + queueType + " queues)", dead);
      AgentJvm survivor = current.awaitReady(WAIT);
      send(client, "crasher", Map.of("batch", "k1", "n", 1));
      survivor.await("HANDLED", "k1", WAIT);
      assertThat(survivor.quiesce("k1-quiet", WAIT)).as("survivor quiet").isTrue();
      QueueState after = QueueState.onceEmpty(stage.node(), NAMESPACE + "." + CHANNEL + ".crasher",
          Duration.ofSeconds(15));
      List<DeadLetter> letters = client.deadLetters().list();
      for (AgentJvm jvm : killed) {
        System.out.printf("%s (pid %d) exited with %s after %s%n", jvm.label(), jvm.pid(), jvm.exitCode(),
            jvm.events("HALTING", "k1"));
      }
      System.out.printf("%s dead-lettered it and handled the next spore; queue afterwards %s, %d dead letter(s)%n",
          survivor.label(), after, letters.size());

      assertThat(killed).as("JVMs killed by the handler").hasSize(MAX_ATTEMPTS);
      for (AgentJvm jvm : killed) {
        assertThat(jvm.exitCode()).as(jvm.label() + "'s exit code").hasValue(AgentProcess.HALT_STATUS);
        assertThat(jvm.events("HALTING", "k1")).as(jvm.label() + " ran the handler on the spore once")
            .singleElement().satisfies(event -> assertThat(event.field(4)).isEqualTo(fatal.id()));
      }
      assertThat(survivor.events("HALTING", "k1")).as("the JVM that dead-lettered it never ran the handler").isEmpty();
      assertThat(survivor.isAlive()).isTrue();
      assertThat(after).as("no copy of the spore left in the queue").isEqualTo(new QueueState(0, 0));
      assertThat(letters).as("dead letters").hasSize(1);
      assertThat(dead.id()).isEqualTo(fatal.id());
      assertThat(dead.agent()).isEqualTo("crasher");
      assertThat(dead.error()).contains("its handler never finished")
          .contains("delivered " + (MAX_ATTEMPTS + 1) + " times")
          .contains("beyond the " + MAX_ATTEMPTS + " attempts of the retry policy");
      assertThat(dead.attempts()).isEqualTo(MAX_ATTEMPTS);
    }
  }

  private AgentJvm launchCrasher(String uri, int number) {
    return stage.launch(AgentJvm.builder("crasher-" + number).brokerUri(uri).namespace(NAMESPACE)
        .channel(CHANNEL).agent("crasher", 1).maxAttempts(MAX_ATTEMPTS));
  }

  private static Reef client(String uri) {
    return Reef.builder().uri(uri).namespace(NAMESPACE).drainTimeout(Duration.ofSeconds(2)).build();
  }

  private static Spore send(Reef client, String to, Map<String, Object> knowledge) {
    Spore spore = Spore.builder(SporeType.KNOWLEDGE).from("test").to(to).knowledge(knowledge).build();
    client.channel(CHANNEL).send(spore).join();
    return spore;
  }

  private static DeadLetter awaitOneDeadLetter(Reef client) {
    return await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> client.deadLetters().list(),
        letters -> !letters.isEmpty()).get(0);
  }

  private static void print(String what, DeadLetter dead) {
    System.out.printf("%s: dead letter %s of agent '%s' after %d attempt(s), reason: %s%n", what, dead.id(),
        dead.agent(), dead.attempts(), dead.error());
  }

  /** The attempt field ({@code HANGING batch agent instanceId n sporeId attempt}) of each event. */
  private static List<String> attempts(List<AgentEvent> events) {
    return events.stream().map(event -> event.field(5)).toList();
  }
}
