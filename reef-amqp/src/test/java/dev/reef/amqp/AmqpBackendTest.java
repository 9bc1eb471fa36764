package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.reef.AgentInfo;
import dev.reef.AgentState;
import dev.reef.Channel;
import dev.reef.DeadLetter;
import dev.reef.QueueFullException;
import dev.reef.Reef;
import dev.reef.RetryPolicy;
import dev.reef.ScatterTarget;
import dev.reef.Subscription;
import dev.reef.SubscriptionOptions;
import dev.reef.UnknownDestinationException;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The AMQP-specific behaviour of the backend on a real broker, beyond the conformance suite. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AmqpBackendTest {
  private AmqpTestNamespace namespace;

  @BeforeEach
  void openNamespace() {
    namespace = new AmqpTestNamespace();
  }

  @AfterEach
  void deleteNamespace() {
    namespace.close();
  }

  @Test
  void aDirectedSporeReachesAnAgentInAnotherConnectionAndAnUnknownAgentFailsTheSend() throws Exception {
    Reef sender = namespace.reef();
    Reef receiver = namespace.reef();
    Queue<Spore> handled = new ConcurrentLinkedQueue<>();
    receiver.channel("main").subscribe("worker", (spore, context) -> {
      handled.add(spore);
      return null;
    });

    sender.channel("main").send("boss", "worker", Map.of("job", 1)).get(5, TimeUnit.SECONDS);
    CompletableFuture<Void> lost = sender.channel("main").send("boss", "nobody", Map.of("job", 2));

    await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 1);
    assertThat(handled.peek().knowledge().get("job").asInt()).isEqualTo(1);
    assertThatThrownBy(() -> lost.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(UnknownDestinationException.class).hasMessageContaining("nobody");
  }

  @Test
  void aRequestIsAnsweredAcrossConnections() throws Exception {
    Reef asker = namespace.reef();
    Reef answerer = namespace.reef();
    answerer.channel("main").subscribe("doubler",
        (spore, context) -> Map.of("twice", spore.knowledge().get("n").asInt() * 2));

    Spore reply = asker.channel("main").request("asker", "doubler", Map.of("n", 21), Duration.ofSeconds(5))
        .get(5, TimeUnit.SECONDS);

    assertThat(reply.type()).isEqualTo(SporeType.RESPONSE);
    assertThat(reply.knowledge().get("twice").asInt()).isEqualTo(42);
  }

  @Test
  void aRetriedBroadcastComesBackToTheFailingAgentOnlyWithTheNextAttemptNumber() {
    Reef reef = namespace.reef();
    Channel channel = reef.channel("main");
    Queue<Integer> flakyAttempts = new ConcurrentLinkedQueue<>();
    AtomicInteger steadyRuns = new AtomicInteger();
    SubscriptionOptions retryFast = SubscriptionOptions.builder()
        .retry(new RetryPolicy(3, Duration.ofMillis(50), 2.0, Duration.ofSeconds(1))).build();
    channel.subscribe("flaky", retryFast, (spore, context) -> {
      flakyAttempts.add(context.attempt());
      if (context.attempt() < 3) {
        throw new IllegalStateException("not yet");
      }
      return null;
    });
    channel.subscribe("steady", (spore, context) -> {
      steadyRuns.incrementAndGet();
      return null;
    });

    channel.broadcast("crier", Map.of("news", 1)).join();

    await().atMost(Duration.ofSeconds(5)).until(() -> flakyAttempts.size() == 3);
    assertThat(flakyAttempts).containsExactly(1, 2, 3);
    assertThat(reef.awaitQuiescence(Duration.ofSeconds(5))).isTrue();
    assertThat(steadyRuns.get()).as("runs of the agent that did not fail").isEqualTo(1);
    assertThat(reef.stats().retried()).isEqualTo(2);
  }

  @Test
  void aSporeThatKeepsFailingIsDeadLetteredAndCanBeListedReplayedAndPurged() {
    Reef reef = namespace.reef();
    Channel channel = reef.channel("main");
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch healed = new CountDownLatch(1);
    SubscriptionOptions twice = SubscriptionOptions.builder()
        .retry(new RetryPolicy(2, Duration.ofMillis(20), 1.0, Duration.ofMillis(20))).build();
    channel.subscribe("fragile", twice, (spore, context) -> {
      if (runs.incrementAndGet() <= 2) {
        throw new IllegalArgumentException("cannot digest " + spore.knowledge());
      }
      healed.countDown();
      return null;
    });

    Spore spore = Spore.builder(SporeType.KNOWLEDGE).from("feeder").to("fragile").knowledge(Map.of("food", "rock"))
        .build();
    channel.send(spore).join();

    await().atMost(Duration.ofSeconds(5)).until(() -> reef.deadLetters().list().size() == 1);
    DeadLetter letter = reef.deadLetters().list().get(0);
    assertThat(letter.spore()).contains(spore);
    assertThat(letter.rawPayload()).isEmpty();
    assertThat(letter.channel()).isEqualTo("main");
    assertThat(letter.agent()).isEqualTo("fragile");
    assertThat(letter.attempts()).isEqualTo(2);
    assertThat(letter.error()).contains("IllegalArgumentException").contains("cannot digest");
    assertThat(letter.deadLetteredAt()).isAfter(spore.createdAt());
    assertThat(reef.deadLetters().list()).as("listing again: listing does not consume").hasSize(1);

    reef.deadLetters().replay(letter.id()).join();
    await().atMost(Duration.ofSeconds(5)).until(() -> healed.getCount() == 0);
    assertThat(reef.deadLetters().list()).isEmpty();
    assertThatThrownBy(() -> reef.deadLetters().replay(letter.id()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(letter.id());

    runs.set(0);
    channel.send("feeder", "fragile", Map.of("food", "gravel")).join();
    await().atMost(Duration.ofSeconds(5)).until(() -> reef.deadLetters().list().size() == 1);
    assertThat(reef.deadLetters().purge()).isEqualTo(1);
    assertThat(reef.deadLetters().list()).isEmpty();
  }

  @Test
  void aReplayItsCheckRefusesChangesNothingAndFailsWithWhatTheCheckThrew() throws Exception {
    Reef reef = namespace.reef();
    SubscriptionOptions once = SubscriptionOptions.builder()
        .retry(new RetryPolicy(1, Duration.ofMillis(10), 1.0, Duration.ofMillis(10))).build();
    reef.channel("main").subscribe("fragile", once, (spore, context) -> {
      throw new IllegalStateException("never");
    });
    reef.channel("main").send("feeder", "fragile", Map.of("n", 1)).join();
    await().atMost(Duration.ofSeconds(5)).until(() -> reef.deadLetters().list().size() == 1);
    DeadLetter letter = reef.deadLetters().list().get(0);
    List<DeadLetter> shown = new ArrayList<>();
    SecurityException refusal = new SecurityException("not you");

    CompletableFuture<Void> replay = backendOf(reef).deadLetters().replay(letter.id(), found -> {
      shown.add(found);
      throw refusal;
    });

    assertThatThrownBy(() -> replay.get(5, TimeUnit.SECONDS)).hasCause(refusal);
    assertThat(shown).extracting(DeadLetter::id).containsExactly(letter.id());
    assertThat(reef.deadLetters().list()).extracting(DeadLetter::id).containsExactly(letter.id());
  }

  @Test
  void sporesForAnAgentWithNoRunningInstanceWaitInItsQueueUntilOneStarts() {
    Reef reef = namespace.reef();
    Channel channel = reef.channel("main");
    channel.subscribe("sleeper", (spore, context) -> null).close();

    List<CompletableFuture<Void>> sends = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      sends.add(channel.send("waker", "sleeper", Map.of("n", i)));
    }
    CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join(); // confirmed: the broker holds them
    assertThat(backendOf(reef).queuedForLocalConsumers()).as("queued for this connection's consumers: none run").isZero();

    Reef later = namespace.reef();
    Queue<Integer> handled = new ConcurrentLinkedQueue<>();
    later.channel("main").subscribe("sleeper", (spore, context) -> {
      handled.add(spore.knowledge().get("n").asInt());
      return null;
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 5);
    assertThat(handled).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void aFullQueueRefusesTheSpore() {
    Reef reef = namespace.reef(builder -> builder.set(AmqpOption.MAX_QUEUE_LENGTH, 2));
    Channel channel = reef.channel("main");
    channel.subscribe("slow", (spore, context) -> null).close();

    channel.send("fast", "slow", Map.of("n", 1)).join();
    channel.send("fast", "slow", Map.of("n", 2)).join();
    CompletableFuture<Void> third = channel.send("fast", "slow", Map.of("n", 3));

    assertThatThrownBy(() -> third.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(QueueFullException.class);
    assertThat(reef.stats().sendFailures()).isEqualTo(1);
  }

  @Test
  void queuedSporesAreCountedUntilHandled() {
    Reef reef = namespace.reef();
    Channel channel = reef.channel("main");
    CountDownLatch release = new CountDownLatch(1);
    Subscription subscription = channel.subscribe("gated", SubscriptionOptions.builder().prefetch(1).build(),
        (spore, context) -> {
          release.await();
          return null;
        });
    for (int i = 0; i < 4; i++) {
      channel.send("feeder", "gated", Map.of("n", i)).join();
    }

    AmqpBackend backend = backendOf(reef);
    await().atMost(Duration.ofSeconds(5)).until(() -> backend.queuedForLocalConsumers() == 3);
    assertThat(reef.awaitQuiescence(Duration.ofMillis(200))).isFalse();
    release.countDown();
    assertThat(reef.awaitQuiescence(Duration.ofSeconds(5))).isTrue();
    assertThat(backend.queuedForLocalConsumers()).isZero();
    subscription.close();
  }

  @Test
  void otherConnectionsLearnWhoRunsWhereAndScatterReachesThem() {
    Reef workers = namespace.reef();
    Reef coordinator = namespace.reef();
    workers.channel("main").subscribe("adder", SubscriptionOptions.builder().capabilities("math").build(),
        (spore, context) -> Map.of("by", "adder"));
    workers.channel("main").subscribe("poet", (spore, context) -> Map.of("by", "poet"));

    await().atMost(Duration.ofSeconds(5)).until(() ->
        coordinator.directory().onlineAgents("main").containsAll(List.of("adder", "poet")));
    assertThat(coordinator.directory().onlineAgentsWithCapability("main", "math")).containsExactly("adder");
    assertThat(coordinator.directory().agents("main")).extracting(AgentInfo::agentName)
        .containsExactlyInAnyOrder("adder", "poet");
    assertThat(coordinator.directory().agents("main")).allSatisfy(info -> {
      assertThat(info.state()).isEqualTo(AgentState.ONLINE);
      assertThat(info.isLocal()).as("announced by another connection").isFalse();
      assertThat(info.pid()).as("pid of the announcing process").isPositive();
    });

    List<Spore> answers = coordinator.channel("main")
        .scatter("boss", Map.of("q", "who?"), ScatterTarget.capability("math"), Duration.ofSeconds(3)).join();
    assertThat(answers).extracting(reply -> reply.knowledge().getString("by")).containsExactly("adder");
  }

  /**
   * A publish to an exchange the broker no longer has closes the channel it went on (here: a channel's
   * exchange deleted by someone else). That send fails; the other spores in flight on the same
   * channel go again on a fresh one, and none fails or is handled twice.
   */
  @Test
  void aSendToADeletedChannelFailsAloneAndTheSporesInFlightBesideItGoAgain() throws Exception {
    Reef reef = namespace.reef();
    Queue<Integer> handled = new ConcurrentLinkedQueue<>();
    reef.channel("main").subscribe("sink", (spore, context) -> {
      handled.add(spore.knowledge().get("n").asInt());
      return null;
    });
    reef.channel("doomed").subscribe("victim", (spore, context) -> null);
    reef.channel("doomed").send("source", "victim", Map.of()).get(5, TimeUnit.SECONDS); // its exchange is known
    TestBroker.delete(List.of(), List.of(new BrokerNames(namespace.namespace()).channelExchange("doomed")));

    Semaphore window = new Semaphore(200);
    List<CompletableFuture<Void>> sends = new ArrayList<>();
    CompletableFuture<Void> doomed = null;
    for (int n = 0; n < 3_000; n++) {
      assertThat(window.tryAcquire(10, TimeUnit.SECONDS)).as("a send completed within 10 s").isTrue();
      sends.add(reef.channel("main").send("source", "sink", Map.of("n", n)).whenComplete((ok, error) ->
          window.release()));
      if (n == 1_000) {
        doomed = reef.channel("doomed").send("source", "victim", Map.of()); // while 200 wait for confirms
      }
    }
    CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).handle((ok, error) -> null)
        .get(30, TimeUnit.SECONDS);

    assertThatThrownBy(doomed::join).hasMessageContaining("NOT_FOUND");
    assertThat(sends.stream().filter(CompletableFuture::isCompletedExceptionally)
        .map(send -> send.handle((ok, error) -> error.getMessage()).join()))
        .as("sends beside it that failed, of %d", sends.size()).isEmpty();
    await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() >= sends.size());
    assertThat(new HashSet<>(handled)).hasSize(sends.size());
    assertThat(handled).as("handled once each: duplicates suppressed").hasSize(sends.size());
  }

  private AmqpBackend backendOf(Reef reef) {
    return namespace.backendOf(reef);
  }
}
