package dev.reef.amqp.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.amqp.process.AgentEvent;
import dev.reef.amqp.process.AgentJvm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 6, acceptance 4 (SPEC §3.11, §5): a producer JVM with a 64 MiB heap publishes as fast as it
 * can for a bounded time, keeping none of its futures, as a careless caller would. It must not run
 * out of memory (it runs with {@code -XX:+ExitOnOutOfMemoryError}, so an {@link OutOfMemoryError}
 * anywhere ends it with exit code 3), and every one of its sends must end, completed or failed.
 *
 * <ul>
 *   <li>With a maximum queue length ({@code x-max-length}, {@code x-overflow: reject-publish}) and a
 *       consumer that takes 20 ms a spore, the sends the full queue refuses fail with {@code
 *       QueueFullException}; every confirmed send is handled or still in the queue.
 *   <li>Without a maximum, the broker takes everything; again nothing is lost, and the heap holds.
 *   <li>While the broker is away nothing confirms and nothing pushes back: only a bound in the
 *       publisher on publishes waiting for a confirm (or a connection) can keep its heap from filling.
 * </ul>
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FullQueueAndSlowConsumerTest {
  private static final Duration FLOOD = Duration.ofSeconds(10);
  private static final Duration HANDLER_TIME = Duration.ofMillis(20);
  private static final int PREFETCH = 10;
  private static final int MAX_QUEUE_LENGTH = 1_000;
  private static final String PRODUCER_HEAP = "64m";
  /** The exit code of a JVM that {@code -XX:+ExitOnOutOfMemoryError} ended. */
  private static final int OUT_OF_MEMORY = 3;
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static PrivateRabbitNode node;
  private final List<AgentJvm> jvms = new ArrayList<>();

  @BeforeAll
  static void startThePrivateNode() {
    node = PrivateRabbitNode.builder().namePrefix("reef-full").start();
  }

  @AfterAll
  static void stopTheNode() {
    node.close();
  }

  @AfterEach
  void stopTheJvms() {
    jvms.forEach(AgentJvm::close);
  }

  @Test
  void aFullQueueFailsEverySendItRefusesAndTheProducerKeepsItsHeap() {
    Flood flood = floodASlowConsumer("full", MAX_QUEUE_LENGTH);

    assertThat(flood.failures()).as("the only failures: the full queue's refusals")
        .containsOnlyKeys("QueueFullException");
    assertThat(flood.failures().get("QueueFullException")).as("sends the full queue refused").isPositive();
    assertThat(flood.queued().ready()).as("the queue held no more than its maximum (and what the consumer gave back)")
        .isLessThanOrEqualTo(MAX_QUEUE_LENGTH + PREFETCH);
  }

  @Test
  void anUnboundedQueueAndASlowConsumerDoNotRunThePublisherOutOfMemory() {
    Flood flood = floodASlowConsumer("unbounded", 0);

    assertThat(flood.failures()).as("nothing refuses a send").isEmpty();
    assertThat(flood.queued().ready()).as("the backlog the slow consumer left").isPositive();
  }

  @Test
  void aBrokerOutageDuringAFloodDoesNotRunThePublisherOutOfMemory() {
    String namespace = "outage";
    String uri = node.amqpUri() + "?max_queue_length=0&confirm_timeout_ms=5000&recovery_interval_ms=250";
    AgentJvm subscriber = launch(AgentJvm.builder("subscriber").agent("offline", 1), uri, namespace);
    subscriber.awaitReady(WAIT);
    subscriber.stop(WAIT); // the agent's queue exists, and buffers everything: no one consumes it
    AgentJvm producer = launch(producer(), uri, namespace);
    producer.awaitReady(WAIT);

    producer.command("flood", "o1", "fast", "offline", Long.toString(FLOOD.toMillis()));
    producer.awaitCount("FLOOD_PROGRESS", "o1", 3, WAIT);
    long stopping = System.nanoTime();
    boolean floodingWhileDown;
    try {
      node.stop();
      // Read while the node is down: how long it takes to boot again (longer on a busy machine) is not the point.
      floodingWhileDown = producer.count("FLOOD_DONE", "o1") == 0;
    } finally {
      node.restart(); // whatever happens, the other tests of the class need the node
    }
    long up = System.nanoTime();
    AgentEvent done = awaitFloodDone(producer, "o1", "while the broker was away");
    long attempted = Long.parseLong(done.field(1));
    long ok = Long.parseLong(done.field(2));
    long failed = Long.parseLong(done.field(3));
    Map<String, Long> failures = failureCounts(done.field(4));
    QueueState queued = QueueState.of(node, namespace + ".main.offline");

    System.out.printf("flood through a broker outage (down and up again in %.1f s): %d sends in %d s by a producer "
            + "with -Xmx%s: sent ok %d, send failures %d %s; most unfinished sends at a progress report %d; "
            + "peak heap used %s MiB; in the queue %s%n",
        (up - stopping) / 1e9, attempted, FLOOD.toSeconds(), PRODUCER_HEAP, ok, failed, failures,
        mostUnfinished(producer, "o1"), done.field(5), queued);

    assertThat(floodingWhileDown).as("the flood went on while the node was down").isTrue();
    assertThat(ok + failed).as("every send ended, completed or failed").isEqualTo(attempted);
    assertThat(queued.total()).as("confirmed sends are all in the queue (failed ones may be too, re-sent ones twice)")
        .isGreaterThanOrEqualTo(ok);
  }

  /**
   * Floods agent {@code slow} in namespace {@code namespace} with {@code maxQueueLength} (0: none),
   * then stops the consumer gracefully and checks what every such flood must hold.
   */
  private Flood floodASlowConsumer(String namespace, int maxQueueLength) {
    String uri = node.amqpUri() + "?max_queue_length=" + maxQueueLength + "&confirm_timeout_ms=10000";
    AgentJvm consumer = launch(AgentJvm.builder("slow-consumer").agent("slow", 1).prefetch(PREFETCH)
        .handlerDelay(HANDLER_TIME), uri, namespace);
    AgentJvm producer = launch(producer(), uri, namespace);
    consumer.awaitReady(WAIT);
    producer.awaitReady(WAIT);

    producer.command("flood", "f1", "fast", "slow", Long.toString(FLOOD.toMillis()));
    AgentEvent done = awaitFloodDone(producer, "f1", "publishing to a slow consumer");
    assertThat(consumer.stop(WAIT)).as("the consumer stops gracefully: in-flight handlers finish and ack").isZero();
    String queue = namespace + ".main.slow";
    QueueState queued = QueueState.of(node, queue);
    Map<Long, Integer> handled = numbers(consumer.events("HANDLED", "f1"));
    Map<Long, Integer> inQueue = QueuedNumbers.in(node, queue, queued.total(), WAIT);
    long attempted = Long.parseLong(done.field(1));
    long ok = Long.parseLong(done.field(2));
    long failed = Long.parseLong(done.field(3));
    Map<String, Long> failures = failureCounts(done.field(4));
    Set<Long> accounted = new TreeSet<>(handled.keySet());
    accounted.addAll(inQueue.keySet());
    List<String> twice = twice(accounted, handled, inQueue);

    System.out.printf("flood of a slow consumer (max queue length %s): %d sends in %d s by a producer with -Xmx%s "
            + "(%.0f/s): sent ok %d, send failures %d %s; most unfinished sends at a progress report %d; peak heap "
            + "used %s MiB; handled %d (one per %d ms); left in the queue %s; spores there twice %d%n",
        maxQueueLength == 0 ? "none" : maxQueueLength, attempted, FLOOD.toSeconds(), PRODUCER_HEAP,
        attempted / (double) FLOOD.toSeconds(), ok, failed, failures, mostUnfinished(producer, "f1"), done.field(5),
        handled.values().stream().mapToInt(Integer::intValue).sum(), HANDLER_TIME.toMillis(), queued, twice.size());

    assertThat(ok + failed).as("every send ended, completed or failed").isEqualTo(attempted);
    assertThat(failures.values().stream().mapToLong(Long::longValue).sum()).as("failures by kind").isEqualTo(failed);
    assertThat(twice).as("spores handled or queued more than once (n: where)").isEmpty();
    // A refused send is not in the queue; one that failed otherwise (a confirm timeout) may be.
    long failedMaybeQueued = failed - failures.getOrDefault("QueueFullException", 0L);
    assertThat((long) accounted.size()).as("confirmed sends: every one handled, or still in the queue")
        .isBetween(ok, ok + failedMaybeQueued);
    assertThat(accounted).as("numbers of spores this flood sent")
        .allSatisfy(n -> assertThat(n).isBetween(0L, attempted - 1));
    assertThat(handled).as("the consumer worked throughout").isNotEmpty();
    return new Flood(attempted, ok, failures, queued);
  }

  /** How many times each knowledge number {@code n} was handled: {@code HANDLED batch agent instanceId type n id}. */
  private static Map<Long, Integer> numbers(List<AgentEvent> handled) {
    Map<Long, Integer> copies = new HashMap<>();
    handled.forEach(event -> copies.merge(Long.parseLong(event.field(4)), 1, Integer::sum));
    return copies;
  }

  /** Those of {@code numbers} handled or queued more than once, with where: {@code 17: handled 1, queued 1}. */
  private static List<String> twice(Set<Long> numbers, Map<Long, Integer> handled, Map<Long, Integer> inQueue) {
    return numbers.stream()
        .filter(n -> handled.getOrDefault(n, 0) + inQueue.getOrDefault(n, 0) > 1)
        .map(n -> n + ": handled " + handled.getOrDefault(n, 0) + ", queued " + inQueue.getOrDefault(n, 0))
        .toList();
  }

  private static AgentJvm.Builder producer() {
    return AgentJvm.builder("producer").maxHeap(PRODUCER_HEAP)
        .jvmOption("-XX:+ExitOnOutOfMemoryError").jvmOption("-XX:+DisplayVMOutputToStderr");
  }

  /**
   * {@code FLOOD_DONE batch attempted ok failed failures peakHeapUsedMiB}, or an assertion error that
   * says the producer ran out of memory when that is how it ended.
   */
  private static AgentEvent awaitFloodDone(AgentJvm producer, String batch, String during) {
    try {
      return producer.await("FLOOD_DONE", batch, FLOOD.plus(WAIT));
    } catch (AssertionError e) {
      if (producer.exitCode().orElse(-1) == OUT_OF_MEMORY) {
        throw new AssertionError("the producer (-Xmx" + PRODUCER_HEAP + ") ran out of memory " + during
            + ": the publisher does not bound the publishes that wait for a confirm or a connection; it had up to "
            + mostUnfinished(producer, batch) + " unfinished sends (progress reports: attempted ended ok failed "
            + "heapMiB " + progress(producer, batch) + "): " + e.getMessage(), e);
      }
      throw e;
    }
  }

  /** The most sends started and not yet ended at any progress report. */
  private static long mostUnfinished(AgentJvm producer, String batch) {
    // FLOOD_PROGRESS batch attempted ended ok failed heapUsedMiB
    return producer.events("FLOOD_PROGRESS", batch).stream()
        .mapToLong(event -> Long.parseLong(event.field(1)) - Long.parseLong(event.field(2))).max().orElse(0);
  }

  private static List<String> progress(AgentJvm producer, String batch) {
    return producer.events("FLOOD_PROGRESS", batch).stream().map(AgentEvent::toString).toList();
  }

  private AgentJvm launch(AgentJvm.Builder builder, String uri, String namespace) {
    AgentJvm jvm = builder.brokerUri(uri).namespace(namespace).channel("main").launch();
    jvms.add(jvm);
    return jvm;
  }

  /** {@code QueueFullException=12,ReefException=3}, or {@code -} for none. */
  private static Map<String, Long> failureCounts(String field) {
    Map<String, Long> counts = new LinkedHashMap<>();
    if (!field.equals("-")) {
      for (String entry : field.split(",")) {
        String[] kindAndCount = entry.split("=");
        counts.put(kindAndCount[0], Long.parseLong(kindAndCount[1]));
      }
    }
    return counts;
  }

  private record Flood(long attempted, long ok, Map<String, Long> failures, QueueState queued) {}
}
