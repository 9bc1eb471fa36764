package dev.reef.amqp.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * SPEC §3.1–3.3 across real processes (issue 3, acceptance 2): two JVMs each run an instance of
 * agent {@code worker}, a third JVM runs two instances of {@code client}, all on the shared broker.
 * Each test uses its own batch of spores, so they hold in any order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CrossJvmDeliveryTest {
  private static final String CHANNEL = "work";
  private static final Duration WAIT = Duration.ofSeconds(30);
  // HANDLED batch agent instanceId type n sporeId
  private static final int HANDLED_AGENT = 1;
  private static final int HANDLED_SPORE_ID = 5;

  private final String namespace = "xjvm-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<AgentJvm> jvms = new ArrayList<>();
  private AgentJvm workerA;
  private AgentJvm workerB;
  private AgentJvm clients;

  @BeforeAll
  void launchTheJvms() {
    workerA = launch(AgentJvm.builder("worker-a").agent("worker", 1));
    workerB = launch(AgentJvm.builder("worker-b").agent("worker", 1));
    clients = launch(AgentJvm.builder("clients").agent("client", 2));
    jvms.forEach(jvm -> jvm.awaitReady(WAIT));
  }

  @AfterAll
  void stopTheJvmsAndDeleteTheirTopology() {
    try {
      jvms.forEach(AgentJvm::close);
    } finally {
      SharedTestBroker.deleteTopology(namespace, List.of(CHANNEL), List.of("worker", "client"));
    }
  }

  @Test
  void directedSporesAreSplitBetweenTheWorkerJvmsAndNoneIsHandledTwice() {
    clients.command("send", "d1", "client", "worker", "1000", "0");

    assertThat(clients.await("SENDS_DONE", "d1", WAIT).fields()).as("sends: batch, ok, failed")
        .containsExactly("d1", "1000", "0");
    Set<String> sent = clients.events("SENT", "d1").stream().map(event -> event.field(2)).collect(Collectors.toSet());
    awaitAll(() -> workerA.count("HANDLED", "d1") + workerB.count("HANDLED", "d1") >= 1000);
    quiesce("d1-quiet", workerA, workerB, clients);

    List<String> byA = sporeIds(workerA, "d1");
    List<String> byB = sporeIds(workerB, "d1");
    System.out.printf("directed: %d spores sent, %d handled by worker-a (pid %d), %d by worker-b (pid %d)%n",
        sent.size(), byA.size(), workerA.pid(), byB.size(), workerB.pid());
    assertThat(sent).hasSize(1000);
    assertThat(byA).as("worker-a's share").isNotEmpty();
    assertThat(byB).as("worker-b's share").isNotEmpty();
    List<String> all = new ArrayList<>(byA);
    all.addAll(byB);
    assertThat(all).as("spore ids handled by both worker JVMs").doesNotHaveDuplicates();
    assertThat(new HashSet<>(all)).isEqualTo(sent);
    assertThat(clients.count("HANDLED", "d1")).isZero();
  }

  @Test
  void aBroadcastReachesEveryAgentNameOnceButNotTheSendersOwn() {
    // First from a client instance, then from a name nobody runs: the client queue holds both in order,
    // so once the second is handled there, the first was already taken (and must have been skipped).
    clients.command("broadcast", "b-own", "client");
    clients.await("BROADCAST_SENT", "b-own", WAIT);
    clients.command("broadcast", "b-other", "coordinator");
    clients.await("BROADCAST_SENT", "b-other", WAIT);

    awaitAll(() -> handledBy("worker", "b-own") >= 1 && handledBy("worker", "b-other") >= 1
        && handledBy("client", "b-other") >= 1);
    quiesce("b-quiet", workerA, workerB, clients);

    assertThat(handledBy("worker", "b-other")).as("worker instances that handled the coordinator's broadcast")
        .isEqualTo(1);
    assertThat(handledBy("client", "b-other")).as("client instances that handled the coordinator's broadcast")
        .isEqualTo(1);
    assertThat(handledBy("worker", "b-own")).as("worker instances that handled the client's broadcast").isEqualTo(1);
    assertThat(handledBy("client", "b-own")).as("client instances that handled their own name's broadcast").isZero();
  }

  @Test
  void everyRequestOfEitherClientInstanceGetsItsOwnReplyFromAWorkerJvm() {
    List<String> askers = clients.instances("client");
    assertThat(askers).hasSize(2).doesNotHaveDuplicates();

    clients.command("request", "r1", "client", "worker", "100", "20000");

    for (String asker : askers) {
      AgentEvent done = clients.await(event -> event.is("REQUESTS_DONE", "r1") && event.field(1).equals(asker),
          "REQUESTS_DONE of " + asker, WAIT);
      assertThat(done.fields()).as("requests of %s: batch, instance, replied, failed", asker)
          .containsExactly("r1", asker, "100", "0");
    }
    // REPLY batch instanceId requestId replyTo echoedAsker echoedN replierPid
    List<AgentEvent> replies = clients.events("REPLY", "r1");
    assertThat(replies).hasSize(200);
    assertThat(replies).allSatisfy(reply -> {
      assertThat(reply.field(3)).as("the reply answers the request it completed").isEqualTo(reply.field(2));
      assertThat(reply.field(4)).as("the reply is for the instance that asked").isEqualTo(reply.field(1));
    });
    Map<String, List<AgentEvent>> byAsker = replies.stream().collect(Collectors.groupingBy(reply -> reply.field(1)));
    assertThat(byAsker.keySet()).containsExactlyInAnyOrderElementsOf(askers);
    byAsker.forEach((asker, own) -> assertThat(own.stream().map(reply -> Integer.parseInt(reply.field(5))))
        .as("request numbers answered for %s", asker)
        .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 100).boxed().toList()));
    assertThat(replies.stream().map(reply -> reply.field(2))).as("request ids").doesNotHaveDuplicates();
    Set<Long> repliers = replies.stream().map(reply -> Long.parseLong(reply.field(6))).collect(Collectors.toSet());
    assertThat(repliers).as("pids of the JVMs that replied").containsExactlyInAnyOrder(workerA.pid(), workerB.pid());

    quiesce("r-quiet", workerA, workerB, clients);
    assertThat(workerA.count("HANDLED", "r1") + workerB.count("HANDLED", "r1")).isEqualTo(200);
    assertThat(clients.count("HANDLED", "r1")).as("replies that went to the client agent's queue").isZero();
    System.out.printf("requests: 200 replies, %d from worker-a, %d from worker-b%n",
        replies.stream().filter(reply -> Long.parseLong(reply.field(6)) == workerA.pid()).count(),
        replies.stream().filter(reply -> Long.parseLong(reply.field(6)) == workerB.pid()).count());
  }

  private AgentJvm launch(AgentJvm.Builder builder) {
    AgentJvm jvm = builder.brokerUri(SharedTestBroker.uri()).namespace(namespace).channel(CHANNEL).launch();
    jvms.add(jvm);
    return jvm;
  }

  private long handledBy(String agent, String batch) {
    return jvms.stream().flatMap(jvm -> jvm.events("HANDLED", batch).stream())
        .filter(event -> event.field(HANDLED_AGENT).equals(agent)).count();
  }

  private static List<String> sporeIds(AgentJvm jvm, String batch) {
    return jvm.events("HANDLED", batch).stream().map(event -> event.field(HANDLED_SPORE_ID)).toList();
  }

  private void awaitAll(Callable<Boolean> condition) {
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
        .failFast("an agent JVM died", () -> jvms.stream().anyMatch(jvm -> !jvm.isAlive()))
        .until(condition);
  }

  /** Waits until no JVM has a spore queued or in hand, so that the counts are final. */
  private static void quiesce(String batch, AgentJvm... jvms) {
    for (AgentJvm jvm : jvms) {
      assertThat(jvm.quiesce(batch, Duration.ofSeconds(10))).as("%s quiet", jvm.label()).isTrue();
    }
  }
}
