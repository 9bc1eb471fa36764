package dev.reef.amqp.faults;

import static dev.reef.amqp.faults.FaultEvents.failureKinds;
import static dev.reef.amqp.faults.FaultEvents.minus;
import static dev.reef.amqp.faults.FaultEvents.numbers;
import static dev.reef.amqp.faults.FaultEvents.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.amqp.process.AgentEvent;
import dev.reef.amqp.process.AgentJvm;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 6, acceptance 2 (SPEC §5): a three-node cluster of private nodes, quorum queues, and two agent
 * JVMs given every node's address. In the middle of a stream of spores, the node that carries the
 * most of the agents' connections is stopped: those connections move to the other nodes by
 * themselves, the quorum queue stays available on the remaining majority, and no completed send is
 * lost or handled twice. Presence comes through too: the sender hears the receiver's agent again
 * after the stop (the broker deletes the transient presence exchange when the stopped node held every
 * presence queue; the Reefs declare it again).
 *
 * <p>The stream is paced and has no end of its own: it is halted once sends are confirmed again after
 * the stop. While the queue elects a new leader (the stopped node may have been its leader), the
 * broker refuses publishes (nacks: {@code QueueFullException}); an unpaced stream could spend all of
 * its spores on those refusals in that moment and end before the queue was back.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ClusterNodeLossTest {
  private static final int SPORES_PER_SECOND = 2_000;
  private static final int WINDOW = 500;
  private static final int STOP_AFTER_CONFIRMED = 3_000;
  /** Sends confirmed after the stop before the stream is halted: the stream flowed on after it. */
  private static final int CONFIRMED_AFTER_STOP = 2_000;
  private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration HEARTBEAT = Duration.ofSeconds(1);
  private static final String QUEUE = "faults.stream.sink"; // namespace.channel.agent

  private PrivateRabbitCluster cluster;
  private final List<AgentJvm> jvms = new ArrayList<>();

  @BeforeEach
  void startTheCluster() {
    cluster = PrivateRabbitCluster.start("reef-cluster", 3);
  }

  @AfterEach
  void stopTheJvmsAndTheCluster() {
    try {
      jvms.forEach(AgentJvm::close);
    } finally {
      cluster.close();
    }
  }

  @Test
  void stoppingANodeMidStreamMovesItsAgentsToTheOthersAndLosesNothing() {
    AgentJvm receiver = launch("receiver", AgentJvm.builder("receiver").agent("sink", 1).concurrency(2).prefetch(100));
    AgentJvm sender = launch("sender", AgentJvm.builder("sender"));
    receiver.awaitReady(WAIT);
    sender.awaitReady(WAIT);
    PrivateRabbitNode first = cluster.node(0);
    assertThat(first.rabbitmqctl("list_queues", "--quiet", "--no-table-headers", "name", "type"))
        .as("the agent's queue is a quorum queue").containsPattern(QUEUE.replace(".", "\\.") + "\\s+quorum");
    Map<String, Integer> before = first.clientConnections();
    assertThat(before).as("the agents' connections, by name, and the port of the node each is on").hasSize(4);
    String leaderBefore = leader(first);
    PrivateRabbitNode victim = mostConnected(before, leaderBefore);
    int victimPort = victim.amqpPort();
    PrivateRabbitNode survivor = cluster.nodes().stream().filter(node -> node != victim).findFirst().orElseThrow();

    long start = System.nanoTime();
    sender.sendUntilHalted("c1", "source", "sink", SPORES_PER_SECOND, WINDOW);
    sender.awaitCount("SENT", "c1", STOP_AFTER_CONFIRMED, WAIT);
    long stopping = System.nanoTime();
    victim.stop();
    long stopped = System.nanoTime();
    Instant stoppedAt = Instant.now();
    long confirmedAtStop = sender.count("SENT", "c1");
    // The sender carries on after the stop: sends are confirmed again, by the new leader.
    try {
      sender.awaitCount("SENT", "c1", confirmedAtStop + CONFIRMED_AFTER_STOP, WAIT);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\nconnections " + before + ", stopped port " + victimPort + ", leader "
          + leaderBefore + "; the queues now:\n" + survivor.rabbitmqctl("list_queues", "--quiet", "name", "type",
          "leader", "members", "online", "messages"), e);
    }
    // The stream was still flowing at the stop: it ends here, at its halt (SENDS_HALTED), never before.
    int attempted = sender.haltSends("c1", WAIT);

    AgentEvent done = sender.await("SENDS_DONE", "c1", CONFIRM_TIMEOUT.plus(WAIT));
    Set<Integer> confirmed = numbers(sender.events("SENT", "c1"), 1);
    List<AgentEvent> failures = sender.events("SEND_FAILED", "c1");
    Set<Integer> failed = numbers(failures, 1);
    await().atMost(WAIT).pollInterval(Duration.ofMillis(250))
        .failFast("the receiver JVM died", () -> !receiver.isAlive())
        .until(() -> receiver.count("HANDLED", "c1") >= confirmed.size()
            && minus(confirmed, numbers(receiver.events("HANDLED", "c1"), 4)).isEmpty());
    assertThat(receiver.quiesce("c1-quiet", Duration.ofSeconds(30))).as("receiver quiet").isTrue();
    long end = System.nanoTime();
    // Heard at least two heartbeats after the stop: announcements sent after it reached the sender.
    AtomicInteger questions = new AtomicInteger();
    await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> {
      Instant heard = sender.lastHeard("heard-" + questions.incrementAndGet(), "sink", WAIT);
      return heard != null && heard.isAfter(stoppedAt.plus(HEARTBEAT.multipliedBy(2)));
    });
    long presenceBack = System.nanoTime();
    Map<String, Long> stats = receiver.stats("c1-stats", WAIT);
    List<AgentEvent> runs = receiver.events("HANDLED", "c1");
    Set<Integer> handled = numbers(runs, 4);
    Map<String, Integer> after = survivor.clientConnections();
    String leaderAfter = leader(survivor);

    System.out.printf("cluster node loss: 3 nodes, quorum queue; connections before %s; stopped %s (port %d, "
            + "queue leader before: %s, after: %s) after %d confirmed sends, in %.1f s; connections after %s%n"
            + "  %d spores sent in all at %d/s, window %d: sent ok %d, send failures %d %s; handled %d (%d handler"
            + " runs); duplicates suppressed %d; all handled after %.1f s; presence back %.1f s after the stop (the sender heard"
            + " the receiver's agent, 2 heartbeats past the stop); receiver stats %s%n",
        before, victim.nodeName(), victimPort, leaderBefore, leaderAfter, confirmedAtStop,
        seconds(stopped - stopping), after, attempted, SPORES_PER_SECOND, WINDOW, confirmed.size(), failures.size(),
        failureKinds(failures), handled.size(), runs.size(), stats.get("duplicates"), seconds(end - start),
        seconds(presenceBack - stopped), stats);

    assertThat(after).as("every connection moved off the stopped node").hasSize(4).doesNotContainValue(victimPort)
        .containsOnlyKeys(before.keySet());
    assertThat(done.fields()).containsExactly("c1", Integer.toString(confirmed.size()), Integer.toString(failed.size()));
    assertThat(confirmed.size() + failed.size()).as("sends that completed or failed").isEqualTo(attempted);
    assertThat(minus(confirmed, handled)).as("completed sends that were not handled").isEmpty();
    assertThat(minus(minus(handled, failed), confirmed)).as("handled spores that were never sent").isEmpty();
    assertThat(runs).as("handler runs: duplicates are suppressed, no spore is handled twice").hasSameSizeAs(handled);
  }

  private AgentJvm launch(String name, AgentJvm.Builder builder) {
    // No queue limit: on a quiet machine the sender outruns the receiver by more than the default 10,000
    // spores, and the stream would end in QueueFullException before the node stops
    // (FullQueueAndSlowConsumerTest is about the limit).
    String uri = cluster.node(0).amqpUri() + "?addresses=" + cluster.addresses() + "&queue_type=quorum"
        + "&max_queue_length=0&recovery_interval_ms=250&confirm_timeout_ms=" + CONFIRM_TIMEOUT.toMillis() + "&connection_name=" + name;
    AgentJvm jvm = builder.brokerUri(uri).namespace("faults").channel("stream").heartbeat(HEARTBEAT).launch();
    jvms.add(jvm);
    return jvm;
  }


  /** The node name of the leader of the agent's quorum queue, as {@code node}'s CLI lists it. */
  private static String leader(PrivateRabbitNode node) {
    String listing = node.rabbitmqctl("list_queues", "--quiet", "--no-table-headers", "name", "leader");
    return listing.lines().map(line -> line.trim().split("\\s+"))
        .filter(columns -> columns.length == 2 && columns[0].equals(QUEUE)).map(columns -> columns[1])
        .findFirst().orElseThrow(() -> new AssertionError("no queue " + QUEUE + " in:\n" + listing));
  }

  /** The node with the most of {@code connections}; of nodes with as many, the queue's leader if it is one. */
  private PrivateRabbitNode mostConnected(Map<String, Integer> connections, String leader) {
    Map<Integer, Long> perPort = connections.values().stream()
        .collect(Collectors.groupingBy(port -> port, Collectors.counting()));
    return cluster.nodes().stream()
        .max(Comparator.<PrivateRabbitNode>comparingLong(node -> perPort.getOrDefault(node.amqpPort(), 0L))
            .thenComparing(node -> node.nodeName().equals(leader)))
        .orElseThrow();
  }
}
