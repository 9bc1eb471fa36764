package dev.reef.amqp.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SPEC §3.5 across real processes (issue 3, acceptance 3): spores for an agent whose only JVM has
 * stopped wait on the broker, and a JVM started afterwards handles every one of them, once.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class OfflineBufferingAcrossJvmsTest {
  private static final String CHANNEL = "work";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int SPORES = 1000;

  private final String namespace = "offline-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<AgentJvm> jvms = new ArrayList<>();

  @AfterEach
  void stopTheJvmsAndDeleteTheirTopology() {
    try {
      jvms.forEach(AgentJvm::close);
    } finally {
      SharedTestBroker.deleteTopology(namespace, List.of(CHANNEL), List.of("worker"));
    }
  }

  @Test
  void sporesSentWhileNoWorkerJvmRunsAreAllHandledOnceByAJvmStartedLater() {
    AgentJvm first = launch(AgentJvm.builder("worker-first").agent("worker", 1));
    AgentJvm sender = launch(AgentJvm.builder("sender"));
    first.awaitReady(WAIT);
    sender.awaitReady(WAIT);
    assertThat(first.stop(WAIT)).as("exit code of the first worker JVM, stopped normally").isZero();

    sender.command("send", "o1", "boss", "worker", Integer.toString(SPORES), "0");
    assertThat(sender.await("SENDS_DONE", "o1", WAIT).fields()).as("sends: batch, ok, failed")
        .containsExactly("o1", Integer.toString(SPORES), "0");
    Set<String> sent = sender.events("SENT", "o1").stream().map(event -> event.field(2)).collect(Collectors.toSet());
    assertThat(sent).hasSize(SPORES);
    String queue = namespace + "." + CHANNEL + ".worker";
    assertThat(SharedTestBroker.messageCount(queue)).as("spores waiting in %s while no JVM runs worker", queue)
        .isEqualTo(SPORES);

    AgentJvm later = launch(AgentJvm.builder("worker-later").agent("worker", 1).prefetch(100));
    later.awaitReady(WAIT);
    later.awaitCount("HANDLED", "o1", SPORES, WAIT);
    assertThat(later.quiesce("o1-quiet", Duration.ofSeconds(10))).isTrue();
    Map<String, Long> stats = later.stats("o1-stats", WAIT);

    // HANDLED batch agent instanceId type n sporeId
    List<String> handled = later.events("HANDLED", "o1").stream().map(event -> event.field(5)).toList();
    System.out.printf("offline: %d sent while no worker ran, %d handled by the JVM started later; its stats %s%n",
        sent.size(), handled.size(), stats);
    assertThat(handled).as("spore ids handled by the later JVM").doesNotHaveDuplicates();
    assertThat(new HashSet<>(handled)).isEqualTo(sent);
    assertThat(first.count("HANDLED", "o1")).isZero();
    assertThat(stats).containsEntry("handled", (long) SPORES).containsEntry("duplicates", 0L);
    assertThat(SharedTestBroker.messageCount(queue)).isZero();
    assertThat(later.stop(WAIT)).isZero();
  }

  private AgentJvm launch(AgentJvm.Builder builder) {
    AgentJvm jvm = builder.brokerUri(SharedTestBroker.uri()).namespace(namespace).channel(CHANNEL).launch();
    jvms.add(jvm);
    return jvm;
  }
}
