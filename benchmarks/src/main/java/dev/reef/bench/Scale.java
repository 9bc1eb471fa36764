package dev.reef.bench;

import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.spore.JsonDocument;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Scenario {@code scale}: how Reef grows with agents and processes on one broker.
 *
 * <ol>
 *   <li>Time to declare {@code agents} (1,000) agent names on one channel from one JVM, beside the
 *       plain client declaring what Reef declares for them (queues, bindings, consumers): the RESULT
 *       line, in milliseconds, {@code ratio = reference / Reef}.
 *   <li>Resident memory of an idle agent JVM (one agent), and per added agent, for both.
 *   <li>{@code jvms} (10) agent JVMs, each running an instance of one agent, against the broker: the
 *       time until all are running, their memory, and the rate at which they share directed spores.
 * </ol>
 *
 * <p>Parameters: {@code agents}, {@code rounds}, {@code jvms}, {@code spores}, {@code settle-ms} (how long an
 * agent JVM rests before its memory is read), {@code uri}, {@code jvm-flags}, {@code verbose}, {@code smoke}.
 */
final class Scale {
  static final String SCENARIO = "scale";
  private static final Duration TIMEOUT = Duration.ofMinutes(10);

  private Scale() {}

  static Result run(Params params, PrintStream out) throws Exception {
    int agents = params.intValue("agents", 1_000, 20, 2);
    int rounds = params.intValue("rounds", 5, 1, 1);
    int jvms = params.intValue("jvms", 10, 2, 1);
    int spores = params.intValue("spores", 20_000, 200, 1);
    int settle = params.intValue("settle-ms", 1_000, 100, 0);
    String uri = Broker.uri(params);
    List<String> jvmFlags = Scenarios.jvmFlags(params);
    PrintStream echo = Scenarios.echo(params, out);
    params.requireAllUsed();

    out.printf(Locale.ROOT, "scenario %s: agents=%d rounds=%d jvms=%d spores=%d; child JVM flags %s%n", SCENARIO,
        agents, rounds, jvms, spores, jvmFlags);
    Machine.describe(out);
    Machine.printLoad(out, "before");
    Declared reef = new Declared();
    Declared plain = new Declared();
    try (Broker broker = Broker.connect(uri)) {
      out.println("namespace " + broker.namespace() + " on " + Scenarios.masked(uri));
      for (int round = 1; round <= rounds; round++) {
        String prefix = "r" + round;
        for (int i = 1; i <= agents; i++) {
          broker.reefAgentQueue("scale", AgentsJvm.agentName(prefix, i));
          broker.reefAgentQueue("scale-ref", AgentsJvm.agentName(prefix, i));
        }
        List<String> args = List.of("--uri=" + uri, "--namespace=" + broker.namespace(), "--prefix=" + prefix,
            "--agents=" + agents, "--memory=true", "--settle-ms=" + settle);
        for (String side : round % 2 == 1 ? List.of("reef", "plain") : List.of("plain", "reef")) {
          boolean isReef = side.equals("reef");
          List<String> sideArgs = new ArrayList<>(args);
          sideArgs.add("--channel=" + (isReef ? "scale" : "scale-ref"));
          Declared into = isReef ? reef : plain;
          try (ChildJvm jvm = ChildJvm.start(side + "-agents", isReef ? ReefAgentsJvm.class : PlainAgentsJvm.class,
              jvmFlags, sideArgs, echo)) {
            long[] one = memory(jvm.awaitPrefix("MEMORY agents=1 ", TIMEOUT));
            double millis = Double.parseDouble(jvm.awaitPrefix("DECLARED agents=" + agents + " ms=", TIMEOUT));
            long[] all = memory(jvm.awaitPrefix("MEMORY agents=" + agents + " ", TIMEOUT));
            jvm.awaitPrefix("READY", TIMEOUT);
            into.add(millis, one, all, agents);
            out.printf(Locale.ROOT, "round %d/%d %-5s: %,d agents declared in %,.0f ms (%.2f ms each); idle JVM with "
                + "one agent %,d KiB resident (heap %,d KiB); with %,d agents %,d KiB (heap %,d KiB)%n", round,
                rounds, side, agents, millis, millis / agents, one[0], one[1], agents, all[0], all[1]);
            jvm.endInput();
            jvm.awaitExit(TIMEOUT);
          }
        }
      }
      out.printf(Locale.ROOT, "median: declaring %,d agents: reef %,.0f ms, spread %s; plain client %,.0f ms, "
          + "spread %s%n", agents, reef.millis(), reef.millisSpread(), plain.millis(), plain.millisSpread());
      out.printf(Locale.ROOT, "median: idle JVM with one agent: reef %,.0f KiB, plain client %,.0f KiB resident; "
          + "per added agent: reef %,.1f KiB resident (%,.1f KiB heap), plain client %,.1f KiB resident "
          + "(%,.1f KiB heap)%n", reef.idle(), plain.idle(), reef.perAgent(), reef.perAgentHeap(), plain.perAgent(),
          plain.perAgentHeap());
      tenJvms(broker, jvms, spores, jvmFlags, echo, out);
    }
    Machine.printLoad(out, "after");
    Result result = Result.time(SCENARIO, reef.millis(), plain.millis(), "ms");
    out.println(result.line());
    return result;
  }

  /** {@code jvms} agent JVMs sharing one agent's queue: start-up, memory, and a run of directed spores. */
  private static void tenJvms(Broker broker, int jvms, int spores, List<String> jvmFlags, PrintStream echo,
      PrintStream out) throws Exception {
    String agent = AgentsJvm.agentName("worker", 1);
    broker.reefAgentQueue("scale-jvms", agent);
    List<String> args = List.of("--uri=" + broker.uri(), "--namespace=" + broker.namespace(), "--channel=scale-jvms",
        "--prefix=worker", "--agents=1");
    List<ChildJvm> started = new ArrayList<>();
    try {
      long start = System.nanoTime();
      for (int i = 1; i <= jvms; i++) {
        started.add(ChildJvm.start("agent-jvm-" + i, ReefAgentsJvm.class, jvmFlags, args, echo));
      }
      for (ChildJvm jvm : started) {
        jvm.awaitPrefix("READY", TIMEOUT);
      }
      double startup = (System.nanoTime() - start) / 1e9;
      long rss = 0;
      for (ChildJvm jvm : started) {
        rss += Machine.residentKib(jvm.pid());
      }
      out.printf(Locale.ROOT, "%d agent JVMs running one instance each of '%s': all running %.1f s after launch, "
          + "%,d KiB resident in all (%,d KiB each)%n", jvms, agent, startup, rss, rss / jvms);
      double seconds = send(broker, agent, spores, started);
      List<Long> split = new ArrayList<>();
      for (ChildJvm jvm : started) {
        jvm.endInput();
        split.add(Long.parseLong(jvm.awaitPrefix("HANDLED ", TIMEOUT)));
      }
      for (ChildJvm jvm : started) {
        jvm.awaitExit(TIMEOUT);
      }
      out.printf(Locale.ROOT, "%,d directed spores through the %d JVMs in %.2f s: %,.0f spores/s; handled per JVM "
          + "%s%n", spores, jvms, seconds, spores / seconds, split);
    } finally {
      started.forEach(ChildJvm::close);
    }
  }

  /** Sends {@code spores} to {@code agent} from this JVM; returns seconds until the JVMs handled them all. */
  private static double send(Broker broker, String agent, int spores, List<ChildJvm> jvms) throws Exception {
    JsonDocument knowledge = Payload.knowledge();
    try (Reef reef = Reef.builder().uri(broker.uri()).namespace(broker.namespace()).build()) {
      Channel channel = reef.channel("scale-jvms");
      Semaphore window = new Semaphore(128);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      long start = System.nanoTime();
      for (int i = 0; i < spores && failure.get() == null; i++) {
        window.acquire();
        channel.send("bench-sender", agent, knowledge).whenComplete((ok, error) -> {
          if (error != null) {
            failure.compareAndSet(null, error);
          }
          window.release();
        });
      }
      window.acquire(128);
      if (failure.get() != null) {
        throw new IllegalStateException("a send failed", failure.get());
      }
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (handled(jvms) < spores) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the agent JVMs handled " + handled(jvms) + " of " + spores + " spores");
        }
        Thread.sleep(20);
      }
      return (System.nanoTime() - start) / 1e9;
    }
  }

  /** The sum of the last {@code COUNT} each JVM printed. */
  private static long handled(List<ChildJvm> jvms) {
    long total = 0;
    for (ChildJvm jvm : jvms) {
      List<String> lines = jvm.lines();
      for (int i = lines.size() - 1; i >= 0; i--) {
        if (lines.get(i).startsWith("COUNT ")) {
          total += Long.parseLong(lines.get(i).substring("COUNT ".length()).trim());
          break;
        }
      }
    }
    return total;
  }

  /** {@code rss_kib=K heap_kib=K} as {rss, heap}. */
  private static long[] memory(String line) {
    long rss = 0;
    long heap = 0;
    for (String part : line.trim().split("\\s+")) {
      if (part.startsWith("rss_kib=")) {
        rss = Long.parseLong(part.substring("rss_kib=".length()));
      } else if (part.startsWith("heap_kib=")) {
        heap = Long.parseLong(part.substring("heap_kib=".length()));
      }
    }
    return new long[] {rss, heap};
  }

  /** One side's figures over rounds. */
  private static final class Declared {
    private final List<Double> millis = new ArrayList<>();
    private final List<Double> idle = new ArrayList<>();
    private final List<Double> perAgent = new ArrayList<>();
    private final List<Double> perAgentHeap = new ArrayList<>();

    void add(double declareMillis, long[] one, long[] all, int agents) {
      millis.add(declareMillis);
      idle.add((double) one[0]);
      perAgent.add((all[0] - one[0]) / (double) (agents - 1));
      perAgentHeap.add((all[1] - one[1]) / (double) (agents - 1));
    }

    double millis() {
      return Machine.median(millis);
    }

    String millisSpread() {
      return Rates.spread(millis);
    }

    double idle() {
      return Machine.median(idle);
    }

    double perAgent() {
      return Machine.median(perAgent);
    }

    double perAgentHeap() {
      return Machine.median(perAgentHeap);
    }
  }
}
