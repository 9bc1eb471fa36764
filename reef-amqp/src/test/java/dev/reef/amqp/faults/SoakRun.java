package dev.reef.amqp.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.reef.amqp.process.AgentEvent;
import dev.reef.amqp.process.AgentJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 6, acceptance 9: a soak, not run by {@code mvn verify} (the class name does not match
 * surefire's patterns); {@code bin/soak [MINUTES] [FAULT_INTERVAL_S]} runs it.
 *
 * <p>A three-node cluster of private nodes with quorum queues, and agent JVMs given every node's
 * address: two receivers sharing the directed agent {@code worker}, a {@code listener} that only
 * hears broadcasts, a {@code responder} that answers requests, and a sender. For {@code soak.minutes}
 * (default 30) the sender runs mixed traffic: paced directed spores to {@code worker}, broadcasts
 * (every agent name hears them) and requests to {@code responder}. Every {@code soak.fault-interval-s}
 * (default 60) the next fault of {@link #ROTATION} strikes, and the cluster is back to three running
 * nodes before the next. At the end the traffic stops, every JVM goes quiet, and the run prints a
 * summary and checks: every future ended (ok + failed = attempted, no request left hanging), no
 * completed send lost, every confirmed broadcast heard by every agent name, replies matched to their
 * requests, no dead letter, every agent JVM still answering, and a directed spore handled more than
 * once only when a killed JVM had handled it, or when a fault cut the consuming connection of the JVM
 * that first handled it (its ack was lost with the connection, so the broker gave the spore to the
 * other receiver: at-least-once, SPEC §3.10; the duplicate window is per instance).
 *
 * <p>Other settings: {@code soak.rate} (directed spores per second, default 250), {@code
 * soak.broadcasts-per-s} (2), {@code soak.requests-per-s} (10), {@code soak.summary-file} (default
 * {@code target/soak-summary.txt}, written beside the printed summary).
 */
class SoakRun {
  private static final int MINUTES = Integer.getInteger("soak.minutes", 30);
  private static final int FAULT_INTERVAL_S = Integer.getInteger("soak.fault-interval-s", 60);
  private static final int RATE = Integer.getInteger("soak.rate", 250);
  private static final double BROADCASTS_PER_S = Double.parseDouble(System.getProperty("soak.broadcasts-per-s", "2"));
  private static final double REQUESTS_PER_S = Double.parseDouble(System.getProperty("soak.requests-per-s", "10"));
  private static final Path SUMMARY = Path.of(System.getProperty("soak.summary-file", "target/soak-summary.txt"));
  /** Unfinished directed sends the sender allows itself: while the broker stalls, it waits. */
  private static final int WINDOW = 500;
  /** A send the cluster never confirms fails after this, so that no future hangs. */
  private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
  /** How long a stopped node stays down while the traffic goes on. */
  private static final Duration NODE_DOWN = Duration.ofSeconds(15);
  /** How long the memory alarm blocks publishers: less than the confirm timeout. */
  private static final Duration ALARM = Duration.ofSeconds(10);
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String NAMESPACE = "soak";
  private static final String CHANNEL = "mix";
  private static final String BATCH = "soak"; // directed; broadcasts are soak-b, requests soak-r
  private static final String WORKER = "worker";
  private static final List<String> LISTENERS = List.of(WORKER, "listener", "responder");
  private static final List<String> ROTATION = List.of("stop-node", "close-connections", "kill-receiver",
      "memory-alarm", "restart-node");
  private static final Pattern RUNNING_NODES = Pattern.compile("\"running_nodes\":\\[([^\\]]*)\\]");

  private final Tracker tracker = new Tracker();
  private final List<AgentJvm> jvms = new ArrayList<>(); // every JVM launched, for the clean-up
  private final List<AgentJvm> receivers = new ArrayList<>(); // the live ones, oldest first
  private final List<Fault> faults = new ArrayList<>();
  private PrivateRabbitCluster cluster;
  private int receiversLaunched;
  private long start;

  @AfterEach
  void stopTheJvmsAndTheCluster() {
    try {
      jvms.forEach(AgentJvm::close);
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  @Test
  void mixedTrafficWithAFaultEveryIntervalLosesNothing() {
    // A JUnit timeout that follows soak.minutes: the run itself, then ending it, with room to spare.
    assertTimeoutPreemptively(Duration.ofMinutes(MINUTES + 10), this::soak,
        () -> "the soak did not end within " + (MINUTES + 10) + " minutes; faults so far:\n" + faultLines());
  }

  private void soak() {
    cluster = PrivateRabbitCluster.start("reef-soak", 3);
    receivers.add(launchReceiver());
    receivers.add(launchReceiver());
    AgentJvm listener = launch("listener", AgentJvm.builder("listener").agent("listener", 1));
    AgentJvm responder = launch("responder", AgentJvm.builder("responder").agent("responder", 1).concurrency(2));
    AgentJvm sender = launch("sender", AgentJvm.builder("sender"));
    for (AgentJvm jvm : jvms) {
      jvm.awaitReady(WAIT);
    }
    assertThat(cluster.node(0).rabbitmqctl("list_queues", "--quiet", "--no-table-headers", "name", "type"))
        .as("the agents' queues are quorum queues").containsPattern("soak\\.mix\\.worker\\s+quorum");

    start = System.nanoTime();
    long end = start + TimeUnit.MINUTES.toNanos(MINUTES);
    sender.command("mix", BATCH, "source", WORKER, Integer.toString(RATE), Integer.toString(WINDOW),
        Double.toString(BROADCASTS_PER_S), "responder", Double.toString(REQUESTS_PER_S),
        Long.toString(REQUEST_TIMEOUT.toMillis()));
    List<AgentJvm> fixed = List.of(listener, responder, sender);
    for (int number = 1; ; number++) {
      long due = start + TimeUnit.SECONDS.toNanos((long) FAULT_INTERVAL_S * number);
      if (due >= end) {
        break;
      }
      waitWhileAllLive(due, fixed);
      faults.add(strike(number, ROTATION.get((number - 1) % ROTATION.size())));
      System.out.println("soak: " + faults.get(faults.size() - 1) + "\n      " + tracker.progress(elapsed()));
    }
    waitWhileAllLive(end, fixed);
    long trafficEnded = System.nanoTime();

    // Ending: no new traffic, every future ends, everything confirmed is handled, every JVM goes quiet.
    sender.command("halt", BATCH);
    AgentEvent done = sender.await("MIX_DONE", BATCH, CONFIRM_TIMEOUT.plus(REQUEST_TIMEOUT).plus(WAIT));
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (!tracker.allDelivered() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
    }
    List<AgentJvm> live = new ArrayList<>(receivers);
    live.addAll(fixed);
    Map<String, String> responsive = new LinkedHashMap<>();
    long duplicatesSuppressed = 0;
    for (AgentJvm jvm : live) {
      try {
        boolean quiet = jvm.quiesce("end-quiet", WAIT);
        Map<String, Long> stats = jvm.stats("end-stats", WAIT);
        duplicatesSuppressed += stats.get("duplicates");
        responsive.put(jvm.label(), quiet ? "quiet" : "still busy");
      } catch (AssertionError | IllegalStateException e) {
        responsive.put(jvm.label(), "no answer: " + e.getMessage().lines().findFirst().orElse(""));
      }
    }
    PrivateRabbitNode any = runningNode();
    int runningAtEnd = runningNodes(any);
    // The broker's queue counts lag (its statistics are collected every few seconds): ask until they settle.
    Map<String, Long> queues = queueDepths(any);
    for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        !nonEmpty(queues).isEmpty() && System.nanoTime() < until; queues = queueDepths(any)) {
      sleep(Duration.ofSeconds(2));
    }
    long deadLetters = queues.entrySet().stream().filter(queue -> queue.getKey().startsWith(NAMESPACE + ".dead")
        || queue.getKey().startsWith(NAMESPACE + ".retry")).mapToLong(Map.Entry::getValue).sum();
    long leftInAgentQueues = queues.entrySet().stream()
        .filter(queue -> queue.getKey().startsWith(NAMESPACE + "." + CHANNEL + "."))
        .mapToLong(Map.Entry::getValue).sum();

    Report report = tracker.report(faults);
    String summary = summary(report, done, trafficEnded, responsive, duplicatesSuppressed, runningAtEnd, deadLetters,
        leftInAgentQueues, nonEmpty(queues));
    System.out.println(summary);
    try {
      Files.createDirectories(SUMMARY.toAbsolutePath().getParent());
      Files.writeString(SUMMARY, summary);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + SUMMARY, e);
    }

    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(faults).as("faults struck").hasSize((MINUTES * 60 - 1) / FAULT_INTERVAL_S);
    report.check(soft, done);
    soft.assertThat(responsive).as("every agent JVM alive at the end answers and goes quiet")
        .allSatisfy((label, state) -> assertThat(state).as(label).isEqualTo("quiet"));
    soft.assertThat(runningAtEnd).as("running cluster nodes at the end").isEqualTo(3);
    soft.assertThat(deadLetters).as("dead letters (no handler fails, so none may appear)").isZero();
    soft.assertThat(leftInAgentQueues).as("spores left in the agents' queues").isZero();
    soft.assertAll();
  }

  // ---- faults ---------------------------------------------------------------------------------

  /**
   * One fault that struck: when (since the traffic started), what it was, what it did, how long it
   * took, and the JVMs whose consuming connection it cut (their unacked spores went back to the queue).
   */
  private record Fault(int number, double atSeconds, String kind, String what, double tookSeconds, long began,
      long ended, Set<String> cut) {
    @Override
    public String toString() {
      return String.format("fault %2d at %7.1f s  %-17s %s (%.1f s)", number, atSeconds, kind, what, tookSeconds);
    }

    /**
     * True when {@code first} handled the spore just before or while this fault cut its consuming
     * connection, and {@code again}, another JVM, handled it soon after: the first handler finished,
     * but its ack was lost with the connection, so the broker gave the spore to another consumer,
     * whose duplicate window could not know it (at-least-once, SPEC §3.10).
     */
    boolean explains(Handling first, Handling again) {
      return cut.contains(first.jvm()) && !again.jvm().equals(first.jvm())
          && first.nanos() >= began - TimeUnit.SECONDS.toNanos(5) && first.nanos() <= ended
          && again.nanos() <= ended + TimeUnit.SECONDS.toNanos(60);
    }
  }

  /** One handler run of a directed spore: which JVM, and when the test read it. */
  private record Handling(String jvm, long nanos) {}

  private Fault strike(int number, String kind) {
    double at = elapsed();
    long began = System.nanoTime();
    Set<String> cut = new TreeSet<>();
    String what = switch (kind) {
      case "stop-node" -> stopNodeForAWhile(cut);
      case "close-connections" -> closeConnections(cut);
      case "kill-receiver" -> killAReceiver();
      case "memory-alarm" -> memoryAlarm(number);
      case "restart-node" -> restartNode(number, cut);
      default -> throw new IllegalArgumentException(kind);
    };
    awaitThreeRunningNodes();
    long ended = System.nanoTime();
    return new Fault(number, at, kind, what, (ended - began) / 1e9, began, ended, Set.copyOf(cut));
  }

  /** The node carrying most of the agents' connections goes away while the traffic goes on, then comes back. */
  private String stopNodeForAWhile(Set<String> cut) {
    Map<String, Integer> connections = runningNode().clientConnections();
    PrivateRabbitNode victim = mostConnected(connections);
    cut.addAll(consumersOn(connections, victim));
    victim.stop();
    sleep(NODE_DOWN);
    victim.restart();
    return String.format("stopped %s (%d of %d connections), started it again %d s later", victim.nodeName(),
        onNode(connections, victim), connections.size(), NODE_DOWN.toSeconds());
  }

  /** The broker closes every client connection of the node carrying most of them. */
  private String closeConnections(Set<String> cut) {
    Map<String, Integer> connections = runningNode().clientConnections();
    PrivateRabbitNode node = mostConnected(connections);
    cut.addAll(consumersOn(connections, node));
    node.rabbitmqctl("close_all_connections", "soak-fault");
    return String.format("close_all_connections on %s (%d of %d connections)", node.nodeName(),
        onNode(connections, node), connections.size());
  }

  /** The oldest receiver JVM dies with SIGKILL, holding whatever it had not acked; a new one takes its place. */
  private String killAReceiver() {
    AgentJvm victim = receivers.remove(0);
    long pid = victim.pid();
    tracker.killed(victim.label());
    victim.kill();
    long launching = System.nanoTime();
    AgentJvm replacement = launchReceiver();
    receivers.add(replacement);
    replacement.awaitReady(WAIT);
    return String.format("kill -9 %s (pid %d); %s ready %.1f s later", victim.label(), pid, replacement.label(),
        (System.nanoTime() - launching) / 1e9);
  }

  /** A memory alarm on one node blocks every publisher of the cluster for a while. */
  private String memoryAlarm(int number) {
    PrivateRabbitNode node = cluster.node(number % 3);
    node.rabbitmqctl("set_vm_memory_high_watermark", "absolute", "1MB");
    sleep(Duration.ofSeconds(2));
    Map<String, Long> states = connectionStates(node);
    sleep(ALARM.minusSeconds(2));
    node.rabbitmqctl("set_vm_memory_high_watermark", "0.4");
    return String.format("memory alarm on %s for %d s (connection states during it: %s)", node.nodeName(),
        ALARM.toSeconds(), states);
  }

  /** A node stops and starts again at once (round robin over the nodes). */
  private String restartNode(int number, Set<String> cut) {
    PrivateRabbitNode node = cluster.node(number % 3);
    cut.addAll(consumersOn(runningNode().clientConnections(), node));
    long began = System.nanoTime();
    node.restart();
    return String.format("restarted %s (down and up in %.1f s)", node.nodeName(), (System.nanoTime() - began) / 1e9);
  }

  private void awaitThreeRunningNodes() {
    long deadline = System.nanoTime() + WAIT.toNanos();
    int running = 0;
    while (System.nanoTime() < deadline) {
      running = runningNodes(runningNode());
      if (running == 3) {
        return;
      }
      sleep(Duration.ofSeconds(1));
    }
    throw new AssertionError("the cluster has " + running + " running nodes, not 3, a minute after a fault");
  }

  private PrivateRabbitNode runningNode() {
    return cluster.nodes().stream().filter(PrivateRabbitNode::isRunning).findFirst()
        .orElseThrow(() -> new AssertionError("no cluster node runs"));
  }

  private static int runningNodes(PrivateRabbitNode node) {
    String status = node.rabbitmqctl("cluster_status", "--formatter", "json");
    Matcher matcher = RUNNING_NODES.matcher(status);
    if (!matcher.find()) {
      throw new AssertionError("no running_nodes in cluster_status:\n" + status);
    }
    return matcher.group(1).isBlank() ? 0 : matcher.group(1).split(",").length;
  }


  private static Map<String, Long> connectionStates(PrivateRabbitNode node) {
    String listing = node.rabbitmqctl("list_connections", "--quiet", "--no-table-headers", "state");
    return listing.lines().map(String::trim).filter(line -> !line.isEmpty())
        .collect(Collectors.groupingBy(line -> line, TreeMap::new, Collectors.counting()));
  }

  private PrivateRabbitNode mostConnected(Map<String, Integer> connections) {
    return cluster.nodes().stream().filter(PrivateRabbitNode::isRunning)
        .max(Comparator.comparingLong(node -> onNode(connections, node))).orElseThrow();
  }

  /** The JVMs (by label) whose consuming connection ({@code LABEL-consume}, Reef's naming) is on {@code node}. */
  private static Set<String> consumersOn(Map<String, Integer> connections, PrivateRabbitNode node) {
    return connections.entrySet().stream()
        .filter(connection -> connection.getValue() == node.amqpPort() && connection.getKey().endsWith("-consume"))
        .map(connection -> connection.getKey().substring(0, connection.getKey().length() - "-consume".length()))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static long onNode(Map<String, Integer> connections, PrivateRabbitNode node) {
    return connections.values().stream().filter(port -> port == node.amqpPort()).count();
  }

  /** Messages in each queue of the namespace. */
  private static Map<String, Long> queueDepths(PrivateRabbitNode node) {
    String listing = node.rabbitmqctl("list_queues", "--quiet", "--no-table-headers", "name", "messages");
    Map<String, Long> depths = new TreeMap<>();
    for (String line : listing.lines().toList()) {
      String[] columns = line.trim().split("\\s+");
      if (columns.length == 2 && columns[0].startsWith(NAMESPACE + ".")) {
        depths.put(columns[0], Long.parseLong(columns[1]));
      }
    }
    return depths;
  }

  private static Map<String, Long> nonEmpty(Map<String, Long> queues) {
    Map<String, Long> nonEmpty = new TreeMap<>(queues);
    nonEmpty.values().removeIf(messages -> messages == 0);
    return nonEmpty;
  }

  // ---- agent JVMs -----------------------------------------------------------------------------

  private AgentJvm launchReceiver() {
    String label = "receiver-" + ++receiversLaunched;
    return launch(label, AgentJvm.builder(label).agent(WORKER, 1).concurrency(2).prefetch(50));
  }

  private AgentJvm launch(String label, AgentJvm.Builder builder) {
    // No queue limit: a soak's backlog while receivers are killed may pass the default 10,000 spores,
    // and a full queue is not what it measures.
    String uri = cluster.node(0).amqpUri() + "?addresses=" + cluster.addresses() + "&queue_type=quorum"
        + "&max_queue_length=0&recovery_interval_ms=500&confirm_timeout_ms=" + CONFIRM_TIMEOUT.toMillis() + "&connection_name=" + label;
    AgentJvm jvm = builder.brokerUri(uri).namespace(NAMESPACE).channel(CHANNEL)
        .eventSink(event -> tracker.take(label, event)).launch();
    jvms.add(jvm);
    return jvm;
  }

  /** Waits until {@code due}, failing at once when an agent JVM dies by itself. */
  private void waitWhileAllLive(long due, List<AgentJvm> fixed) {
    while (System.nanoTime() < due) {
      for (AgentJvm jvm : fixed) {
        assertAlive(jvm);
      }
      receivers.forEach(SoakRun::assertAlive);
      LockSupport.parkNanos(Math.min(due - System.nanoTime(), TimeUnit.SECONDS.toNanos(1)));
    }
  }

  private static void assertAlive(AgentJvm jvm) {
    if (!jvm.isAlive()) {
      throw new AssertionError(jvm.label() + " died by itself (exit code " + jvm.exitCode() + ")");
    }
  }

  private double elapsed() {
    return (System.nanoTime() - start) / 1e9;
  }

  /** Sleeps the whole {@code duration}: parkNanos may return early (a stray unpark), so it loops to a deadline. */
  private static void sleep(Duration duration) {
    long deadline = System.nanoTime() + duration.toNanos();
    for (long left = duration.toNanos(); left > 0; left = deadline - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }

  private String faultLines() {
    return faults.stream().map(Fault::toString).collect(Collectors.joining("\n"));
  }

  // ---- the summary ----------------------------------------------------------------------------

  private String summary(Report report, AgentEvent done, long trafficEnded, Map<String, String> responsive,
      long duplicatesSuppressed, int runningAtEnd, long deadLetters, long leftInAgentQueues,
      Map<String, Long> nonEmptyQueues) {
    double seconds = (trafficEnded - start) / 1e9;
    StringBuilder text = new StringBuilder();
    text.append("==================== SOAK SUMMARY ====================\n");
    text.append(String.format("run: %s, %.1f min of traffic (soak.minutes=%d), a fault every %d s: %d faults; "
            + "3-node cluster, quorum queues%n", Instant.now(), seconds / 60, MINUTES, FAULT_INTERVAL_S, faults.size()));
    text.append(String.format("traffic: directed %d/s (window %d), broadcasts %s/s, requests %s/s (timeout %d s); "
            + "confirm timeout %d s%n", RATE, WINDOW, BROADCASTS_PER_S, REQUESTS_PER_S, REQUEST_TIMEOUT.toSeconds(),
        CONFIRM_TIMEOUT.toSeconds()));
    text.append(report.describe(seconds, done));
    text.append(String.format("duplicates suppressed (JVMs alive at the end): %d%n", duplicatesSuppressed));
    text.append(String.format("dead letters: %d; spores left in agent queues: %d %s; running nodes at the end: %d%n",
        deadLetters, leftInAgentQueues, nonEmptyQueues, runningAtEnd));
    text.append(String.format("sender peak heap used: %s MiB%n", done.field(10)));
    text.append("agent JVMs at the end: ").append(responsive).append('\n');
    text.append("faults:\n");
    for (Fault fault : faults) {
      text.append("  ").append(fault).append('\n');
    }
    text.append("======================================================\n");
    return text.toString();
  }

  // ---- counting -------------------------------------------------------------------------------

  /**
   * What the agent JVMs report, counted as it comes (their events are not kept: half a million
   * spores would be millions of events). Thread-safe: each JVM's output is read on a thread of its own.
   */
  private static final class Tracker {
    private final BitSet confirmed = new BitSet();
    private final BitSet failed = new BitSet();
    private final Map<String, Long> failureKinds = new TreeMap<>();
    private final BitSet handled = new BitSet();
    private final Map<Integer, Handling> firstHandling = new HashMap<>();
    private final Map<Integer, List<Handling>> handledAgain = new TreeMap<>(); // n -> every handler run of it
    private final Map<String, Long> runsPerJvm = new TreeMap<>();
    private final Set<String> killed = new HashSet<>();
    private long runs;
    private final BitSet broadcastsConfirmed = new BitSet();
    private final BitSet broadcastsFailed = new BitSet();
    private final Map<String, BitSet> broadcastsHeard = new TreeMap<>();
    private final Map<String, Long> broadcastRuns = new TreeMap<>();
    private final Map<String, Integer> pendingRequests = new HashMap<>(); // request id -> n
    private long requested;
    private long replied;
    private long misrouted;
    private final Map<String, Long> requestFailures = new TreeMap<>();
    private long requestsHandled;

    /** Takes the events it counts; leaves the others (READY, MIX_DONE, QUIET, STATS...) to the JVM's list. */
    synchronized boolean take(String jvm, AgentEvent event) {
      switch (event.kind()) {
        case "SENT", "SEND_FAILED" -> {
          boolean ok = event.kind().equals("SENT");
          int n = Integer.parseInt(event.field(1));
          boolean broadcast = event.field(0).equals(BATCH + "-b");
          (broadcast ? (ok ? broadcastsConfirmed : broadcastsFailed) : (ok ? confirmed : failed)).set(n);
          if (!ok) {
            failureKinds.merge((broadcast ? "broadcast " : "") + event.field(3), 1L, Long::sum);
          }
        }
        // HANDLED batch agent instanceId type n sporeId
        case "HANDLED" -> {
          switch (event.field(3)) {
            case "knowledge" -> handled(jvm, Integer.parseInt(event.field(4)));
            case "broadcast" -> {
              broadcastRuns.merge(event.field(1), 1L, Long::sum);
              broadcastsHeard.computeIfAbsent(event.field(1), agent -> new BitSet())
                  .set(Integer.parseInt(event.field(4)));
            }
            case "request" -> requestsHandled++;
            default -> throw new IllegalStateException("unexpected " + event);
          }
        }
        // REQUESTED batch n requestId
        case "REQUESTED" -> {
          requested++;
          pendingRequests.put(event.field(2), Integer.parseInt(event.field(1)));
        }
        // REPLY batch asker requestId replyTo echoedAsker echoedN replierPid
        case "REPLY" -> {
          replied++;
          Integer n = pendingRequests.remove(event.field(2));
          if (n == null || !event.field(3).equals(event.field(2)) || !event.field(5).equals(Integer.toString(n))) {
            misrouted++;
          }
        }
        // REQUEST_FAILED batch asker requestId errorClass
        case "REQUEST_FAILED" -> {
          pendingRequests.remove(event.field(2));
          requestFailures.merge(event.field(3), 1L, Long::sum);
        }
        default -> {
          return false;
        }
      }
      return true;
    }

    private void handled(String jvm, int n) {
      runs++;
      runsPerJvm.merge(jvm, 1L, Long::sum);
      Handling handling = new Handling(jvm, System.nanoTime());
      if (!handled.get(n)) {
        handled.set(n);
        firstHandling.put(n, handling);
        return;
      }
      handledAgain.computeIfAbsent(n, first -> new ArrayList<>(List.of(firstHandling.get(n)))).add(handling);
    }

    synchronized void killed(String jvm) {
      killed.add(jvm);
    }

    /** Every confirmed directed spore handled, every confirmed broadcast heard by every agent name. */
    synchronized boolean allDelivered() {
      if (!minus(confirmed, handled).isEmpty()) {
        return false;
      }
      for (String agent : LISTENERS) {
        if (!minus(broadcastsConfirmed, broadcastsHeard.getOrDefault(agent, new BitSet())).isEmpty()) {
          return false;
        }
      }
      return true;
    }

    synchronized String progress(double seconds) {
      return String.format("at %.0f s: directed sent ok %d, failed %d, handled %d; broadcasts ok %d; requests %d, "
          + "replied %d, failed %d", seconds, confirmed.cardinality(), failed.cardinality(), handled.cardinality(),
          broadcastsConfirmed.cardinality(), requested, replied, requestFailures.values().stream()
              .mapToLong(Long::longValue).sum());
    }

    /**
     * The counts now; spores handled more than once are sorted by what explains it: a killed JVM had
     * handled it, or a fault cut the first handler's connection (see {@link Fault#explains}), or nothing.
     */
    synchronized Report report(List<Fault> faults) {
      Map<Integer, List<String>> byKilled = new TreeMap<>();
      Map<Integer, List<String>> byCut = new TreeMap<>();
      Map<Integer, List<String>> otherwise = new TreeMap<>();
      handledAgain.forEach((n, handlings) -> {
        List<String> jvms = handlings.stream().map(Handling::jvm).toList();
        boolean cutAway = handlings.subList(1, handlings.size()).stream().allMatch(again -> faults.stream()
            .anyMatch(fault -> fault.explains(handlings.get(0), again)));
        (jvms.stream().anyMatch(killed::contains) ? byKilled : cutAway ? byCut : otherwise).put(n, jvms);
      });
      Map<String, BitSet> heard = new TreeMap<>();
      broadcastsHeard.forEach((agent, numbers) -> heard.put(agent, (BitSet) numbers.clone()));
      BitSet handledButFailed = (BitSet) handled.clone();
      handledButFailed.and(failed);
      BitSet sent = (BitSet) confirmed.clone();
      sent.or(failed);
      return new Report((BitSet) confirmed.clone(), (BitSet) failed.clone(), new TreeMap<>(failureKinds),
          handled.cardinality(), runs, minus(confirmed, handled), minus(handled, sent), handledButFailed.cardinality(),
          byKilled, byCut, otherwise, new TreeMap<>(runsPerJvm), broadcastsConfirmed.cardinality(),
          broadcastsFailed.cardinality(), heard, new TreeMap<>(broadcastRuns), requested, replied,
          new TreeMap<>(requestFailures), pendingRequests.size(), misrouted, requestsHandled, Set.copyOf(killed),
          (BitSet) broadcastsConfirmed.clone());
    }

    private static BitSet minus(BitSet all, BitSet removed) {
      BitSet rest = (BitSet) all.clone();
      rest.andNot(removed);
      return rest;
    }
  }

  /** The counts at the end, what the summary prints and the checks read. */
  private record Report(BitSet confirmed, BitSet failed, Map<String, Long> failureKinds, int handled, long runs,
      BitSet lost, BitSet neverSent, int handledButFailed, Map<Integer, List<String>> againAfterKill,
      Map<Integer, List<String>> againAfterCut, Map<Integer, List<String>> againOtherwise, Map<String, Long> runsPerJvm, int broadcastsOk, int broadcastsFailed,
      Map<String, BitSet> broadcastsHeard, Map<String, Long> broadcastRuns, long requested, long replied,
      Map<String, Long> requestFailures, int requestsHanging, long misrouted, long requestsHandled,
      Set<String> killed, BitSet broadcastsConfirmed) {

    String describe(double seconds, AgentEvent done) {
      StringBuilder text = new StringBuilder();
      long attempted = Long.parseLong(done.field(1));
      long ended = confirmed.cardinality() + failed.cardinality();
      text.append(String.format("directed: attempted %d, sent ok %d, failed %d %s (every send ended: %s)%n",
          attempted, confirmed.cardinality(), failed.cardinality(), failureKinds, ended == attempted ? "yes"
              : "NO, " + (attempted - ended) + " did not"));
      text.append(String.format("  handled %d distinct (%.0f/s) in %d handler runs, per JVM %s; lost (confirmed, "
              + "never handled): %d; handled though never sent: %d; handled though the send failed: %d%n",
          handled, handled / seconds, runs, runsPerJvm, lost.cardinality(), neverSent.cardinality(), handledButFailed));
      text.append(String.format("  handled more than once: %d, of which %d held by a killed JVM %s; %d handled again by "
              + "another JVM after a fault cut the first one's connection before its ack reached the broker %s; "
              + "%d otherwise %s%n", againAfterKill.size() + againAfterCut.size() + againOtherwise.size(),
          againAfterKill.size(), killed, againAfterCut.size(), abbreviate(againAfterCut), againOtherwise.size(),
          abbreviate(againOtherwise)));
      text.append(String.format("broadcasts: attempted %d, sent ok %d, failed %d; heard per agent name (distinct / "
          + "handler runs):", broadcastsOk + broadcastsFailed, broadcastsOk, broadcastsFailed));
      for (String agent : LISTENERS) {
        BitSet heard = broadcastsHeard.getOrDefault(agent, new BitSet());
        BitSet missed = (BitSet) broadcastsConfirmed.clone();
        missed.andNot(heard);
        text.append(String.format(" %s %d / %d (confirmed not heard: %d)", agent, heard.cardinality(),
            broadcastRuns.getOrDefault(agent, 0L), missed.cardinality()));
      }
      text.append('\n');
      long failedRequests = requestFailures.values().stream().mapToLong(Long::longValue).sum();
      text.append(String.format("requests: asked %d, answered %d, failed %d %s, left hanging %d, replies not matching "
              + "their request %d; responder handler runs %d%n", requested, replied, failedRequests, requestFailures,
          requestsHanging, misrouted, requestsHandled));
      return text.toString();
    }

    void check(SoftAssertions soft, AgentEvent done) {
      // MIX_DONE batch sends ok failed broadcasts ok failed requests replied failed peakHeapUsedMiB
      long[] mix = done.fields().subList(1, 10).stream().mapToLong(Long::parseLong).toArray();
      soft.assertThat(mix[1] + mix[2]).as("directed sends ok + failed = attempted").isEqualTo(mix[0]);
      soft.assertThat(new long[] {confirmed.cardinality(), failed.cardinality()})
          .as("directed sends reported ok and failed, each once").containsExactly(mix[1], mix[2]);
      soft.assertThat(mix[4] + mix[5]).as("broadcasts ok + failed = attempted").isEqualTo(mix[3]);
      soft.assertThat(new long[] {broadcastsOk, broadcastsFailed}).as("broadcasts reported ok and failed")
          .containsExactly(mix[4], mix[5]);
      soft.assertThat(mix[7] + mix[8]).as("requests answered + failed = asked").isEqualTo(mix[6]);
      soft.assertThat(requested).as("requests reported").isEqualTo(mix[6]);
      soft.assertThat(requestsHanging).as("requests left without an answer or a failure").isZero();
      soft.assertThat(misrouted).as("replies that did not answer the request they completed").isZero();
      soft.assertThat(lost.cardinality()).as("completed directed sends never handled: " + abbreviate(lost)).isZero();
      soft.assertThat(neverSent.cardinality()).as("handled spores that were never sent").isZero();
      soft.assertThat(againOtherwise).as("spores handled more than once with neither a killed JVM nor a cut "
          + "connection to explain it (the duplicate window should have suppressed them)").isEmpty();
      for (String agent : LISTENERS) {
        BitSet missed = (BitSet) broadcastsConfirmed.clone();
        missed.andNot(broadcastsHeard.getOrDefault(agent, new BitSet()));
        soft.assertThat(missed.cardinality()).as("confirmed broadcasts " + agent + " never heard: " + abbreviate(missed))
            .isZero();
      }
      soft.assertThat(confirmed.cardinality()).as("directed sends that completed").isPositive();
      soft.assertThat(replied).as("requests answered").isPositive();
    }

    private static String abbreviate(BitSet numbers) {
      String all = numbers.toString();
      return all.length() <= 200 ? all : all.substring(0, 200) + "...}";
    }

    private static String abbreviate(Map<Integer, List<String>> handlers) {
      String all = handlers.toString();
      return all.length() <= 300 ? all : all.substring(0, 300) + "...}";
    }
  }
}
