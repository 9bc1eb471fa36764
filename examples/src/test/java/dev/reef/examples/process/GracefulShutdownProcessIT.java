package dev.reef.examples.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.SubscriptionOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance 2: SIGTERM to an agent JVM holding 100 unfinished slow spores. It exits with 0; the
 * spores it had started are finished and acknowledged, the others go back to the queue and another
 * JVM handles them; none is lost, none handled twice.
 */
class GracefulShutdownProcessIT {
  private static final Duration START = Duration.ofSeconds(30);
  private static final int JOBS = 150;
  private static final int PREFETCH = 100;
  private static final int POOL = 50;
  private static final long WORK_MS = 1_500;

  private String namespace;
  private Map<String, String> environment;
  private Reef collector;
  private ReefProcess first;
  private ReefProcess second;
  /** Job number to the worker processes ({@code PID@HOST}) that reported it done. */
  private final Map<Integer, List<String>> doneBy = new ConcurrentHashMap<>();

  @BeforeEach
  void connectCollector() {
    namespace = ProcessBroker.newNamespace();
    environment = Map.of("REEF_AMQP_URI", ProcessBroker.uri(), "REEF_NAMESPACE", namespace);
    collector = Reef.builder().uri(ProcessBroker.uri()).namespace(namespace).build();
    collector.channel("main").subscribe("collector", SubscriptionOptions.builder().concurrent(4).build(),
        (spore, context) -> {
          doneBy.computeIfAbsent(spore.knowledge().get("job").asInt(), job -> new CopyOnWriteArrayList<>())
              .add(spore.knowledge().getString("worker"));
          return null;
        });
  }

  @AfterEach
  void cleanUp() {
    for (ReefProcess process : new ReefProcess[] {first, second}) {
      if (process != null) {
        process.close();
      }
    }
    collector.close(Duration.ofSeconds(2));
    ProcessBroker.deleteTopology(namespace, List.of("main"), List.of("worker", "collector"));
  }

  @Test
  void sigtermFinishesStartedSporesReturnsTheRestAndExitsWithZero(@TempDir Path dir) throws IOException {
    Path config = Files.writeString(dir.resolve("workers.json"), """
        {"agents": [{"class": "dev.reef.examples.distributed.Worker", "concurrency": "concurrent",
                     "pool_size": %d, "prefetch": %d}],
         "drain_timeout": "20s"}
        """.formatted(POOL, PREFETCH));
    first = ReefProcess.start("first worker JVM", environment, "run", "--config", config.toString());
    first.awaitStderr(line -> line.startsWith("reef run: ready: worker x1"), START);

    Channel main = collector.channel("main");
    List<CompletableFuture<Void>> sent = new ArrayList<>();
    for (int job = 1; job <= JOBS; job++) {
      sent.add(main.send("collector", "worker", Map.of("type", "job", "job", job, "work_ms", WORK_MS)));
    }
    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join(); // confirmed by the broker
    String queue = namespace + ".main.worker";
    // The broker has handed the first JVM as many spores as its prefetch allows: it holds 100 unfinished.
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
        .until(() -> ProcessBroker.readyMessages(queue) == JOBS - PREFETCH);
    assertThat(doneBy).as("no job can be done yet: each takes %d ms", WORK_MS).isEmpty();

    first.signal("TERM");

    assertThat(first.awaitExit(START)).as(first.describe()).isZero();
    assertThat(first.stderr()).as(first.describe()).contains("reef run: stopped cleanly");
    String firstProcess = first.pid() + "@";
    await().atMost(Duration.ofSeconds(5)).until(() -> countBy(firstProcess) > 0);
    int finishedByFirst = countBy(firstProcess);
    // It had started at most as many as its worker pool has threads; the rest it held had not started.
    assertThat(finishedByFirst).as("the first JVM finished the spores it had started").isBetween(1, POOL);
    assertThat(ProcessBroker.readyMessages(queue)).as("every spore the first JVM did not finish is back in the queue")
        .isEqualTo(JOBS - finishedByFirst);

    second = ReefProcess.start("second worker JVM", environment, "run", "--config", config.toString());
    await().atMost(Duration.ofSeconds(40)).until(() -> doneBy.size() == JOBS);

    assertThat(doneBy.keySet()).containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, JOBS).boxed().toList());
    assertThat(doneBy.values()).as("no job was done twice").allSatisfy(workers -> assertThat(workers).hasSize(1));
    String secondProcess = second.pid() + "@";
    assertThat(countBy(secondProcess)).isEqualTo(JOBS - finishedByFirst);
    second.signal("TERM");
    assertThat(second.awaitExit(START)).as(second.describe()).isZero();
    assertThat(doneBy.values().stream().mapToInt(List::size).sum()).as("no late duplicate").isEqualTo(JOBS);
  }

  private int countBy(String processPrefix) {
    return (int) doneBy.values().stream().flatMap(List::stream).filter(worker -> worker.startsWith(processPrefix)).count();
  }
}
