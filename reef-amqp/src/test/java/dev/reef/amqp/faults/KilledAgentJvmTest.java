package dev.reef.amqp.faults;

import static dev.reef.amqp.faults.FaultEvents.minus;
import static dev.reef.amqp.faults.FaultEvents.numbers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.amqp.process.AgentEvent;
import dev.reef.amqp.process.AgentJvm;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 6, acceptance 3 (SPEC §3.10, §3.12): two JVMs run an instance each of one agent; one of them
 * is killed with {@code SIGKILL} while it holds as many unfinished spores as its prefetch allows
 * (some in blocked handlers, the rest waiting for a worker). The other JVM handles every one of
 * them, each once, and nothing is left in the queue.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class KilledAgentJvmTest {
  private static final int SPORES = 200;
  private static final int PREFETCH = 25;
  private static final int HOLDER_THREADS = 4;
  private static final String QUEUE = "faults.work.worker"; // namespace.channel.agent
  private static final Duration WAIT = Duration.ofSeconds(30);

  @RegisterExtension
  final PrivateNodeAndJvms stage = new PrivateNodeAndJvms("reef-kill");

  @Test
  void theOtherJvmHandlesEverySporeTheKilledJvmHeld() {
    AgentJvm holder = launch(AgentJvm.builder("holder").agent("worker", 1).concurrency(HOLDER_THREADS)
        .prefetch(PREFETCH).holdHandlers());
    AgentJvm survivor = launch(AgentJvm.builder("survivor").agent("worker", 1).concurrency(HOLDER_THREADS)
        .prefetch(PREFETCH));
    holder.awaitReady(WAIT);
    survivor.awaitReady(WAIT);

    survivor.command("send", "k1", "source", "worker", Integer.toString(SPORES), "0");
    AgentEvent sent = survivor.await("SENDS_DONE", "k1", WAIT);
    assertThat(sent.fields()).as("every send confirmed").containsExactly("k1", Integer.toString(SPORES), "0");
    // The holder takes its prefetch's worth and never finishes one; the survivor handles the rest.
    survivor.awaitCount("HANDLED", "k1", SPORES - PREFETCH, WAIT);
    holder.awaitCount("HOLDING", "k1", HOLDER_THREADS, WAIT);
    await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
        .until(() -> QueueState.of(stage.node(), QUEUE), state -> state.equals(new QueueState(0, PREFETCH)));
    Set<Integer> handledBeforeKill = numbers(survivor.events("HANDLED", "k1"), 4);
    // HOLDING batch agent instanceId type n sporeId
    Set<Integer> inHolderHandlers = numbers(holder.events("HOLDING", "k1"), 4);
    Set<Integer> all = IntStream.range(0, SPORES).boxed().collect(Collectors.toSet());
    Set<Integer> held = minus(all, handledBeforeKill);

    holder.kill();
    await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
        .failFast("the survivor JVM died", () -> !survivor.isAlive())
        .until(() -> survivor.count("HANDLED", "k1") >= SPORES);
    assertThat(survivor.quiesce("k1-quiet", WAIT)).as("survivor quiet").isTrue();
    List<AgentEvent> runs = survivor.events("HANDLED", "k1");
    Set<Integer> handled = numbers(runs, 4);
    List<AgentEvent> redelivered = runs.subList(SPORES - PREFETCH, runs.size());
    QueueState after = QueueState.of(stage.node(), QUEUE);

    System.out.printf("kill -9 of an agent JVM: %d spores sent, %d confirmed; the holder (prefetch %d, %d threads) "
            + "held %d unfinished (%d in blocked handlers) when killed; the survivor had handled %d before the kill "
            + "and %d after, %d distinct in %d handler runs; queue afterwards %s%n",
        SPORES, Integer.parseInt(sent.field(1)), PREFETCH, HOLDER_THREADS, held.size(), inHolderHandlers.size(),
        handledBeforeKill.size(), runs.size() - handledBeforeKill.size(), handled.size(), runs.size(), after);

    assertThat(holder.isAlive()).as("the holder is gone").isFalse();
    assertThat(held).as("what the holder held when it was killed").hasSize(PREFETCH).containsAll(inHolderHandlers);
    assertThat(inHolderHandlers).as("spores in the holder's blocked handlers").hasSize(HOLDER_THREADS);
    assertThat(handled).as("every spore is handled by the survivor").isEqualTo(all);
    assertThat(numbers(redelivered, 4)).as("what the survivor handled after the kill: exactly what was held")
        .isEqualTo(held);
    assertThat(runs).as("handler runs: each spore once").hasSize(SPORES);
    assertThat(after).as("nothing left in the queue").isEqualTo(new QueueState(0, 0));
  }

  private AgentJvm launch(AgentJvm.Builder builder) {
    return stage.launch(builder.brokerUri(stage.node().amqpUri()).namespace("faults").channel("work"));
  }
}
