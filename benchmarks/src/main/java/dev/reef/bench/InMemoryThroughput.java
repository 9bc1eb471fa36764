package dev.reef.bench;

import dev.reef.spore.JsonDocument;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scenario {@code inmemory-throughput}: directed spores per second through Reef's in-memory backend,
 * beside Vert.x's event bus doing the same hand-off, in one JVM, in rotating rounds: the RESULT line's
 * reference is the event bus with its consumer on an event loop (the cheapest hand-off it offers); a
 * third side has the consumer on a worker thread, where Reef runs a handler (SPEC §3.12).
 *
 * <p>Each round sends N messages of 1 KB of JSON from the main thread to one handler that does
 * nothing, and times from the first send until the handler has seen the last one. Warm-up rounds
 * are discarded; the median of the measured rounds of each side is reported, and the last line is
 * {@code RESULT scenario=inmemory-throughput reef=... reference=... unit=msgs/s ratio=...}.
 *
 * <pre>
 * mvn -q -pl benchmarks -am compile exec:java -Dexec.mainClass=dev.reef.bench.InMemoryThroughput
 * </pre>
 *
 * <p>Parameters ({@code -Dbench.NAME=V} or {@code --NAME=V}): {@code messages}, {@code warmup},
 * {@code rounds}, {@code window}, {@code prefetch}, and {@code smoke=true} for a tiny run.
 */
public final class InMemoryThroughput {
  static final String SCENARIO = "inmemory-throughput";

  private InMemoryThroughput() {}

  /** Runs the scenario with settings from {@code args} and system properties; see the class comment. */
  public static void main(String[] args) throws Exception {
    run(Params.of(args), System.out);
  }

  /** Runs the comparison with settings from {@code params}. */
  static Result run(Params params, PrintStream out) throws Exception {
    Settings settings = Settings.from(params);
    params.requireAllUsed();
    return run(settings, out);
  }

  /** Runs the comparison, printing progress and, last, the result line. */
  static Result run(Settings settings, PrintStream out) throws Exception {
    JsonDocument knowledge = Payload.knowledge();
    JsonObject payload = new JsonObject(knowledge.toJson());
    int payloadBytes = payload.encode().getBytes(StandardCharsets.UTF_8).length;
    if (payloadBytes != knowledge.byteSize()) {
      throw new IllegalStateException("payloads differ: reef " + knowledge.byteSize() + " B, event bus "
          + payloadBytes + " B");
    }
    out.printf(Locale.ROOT, "scenario %s: %s, payload %d B of JSON%n", SCENARIO, settings, payloadBytes);
    out.printf(Locale.ROOT, "jvm %s %s, %d processors, max heap %d MiB, flags [%s]%n",
        System.getProperty("java.vm.name"), System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
        String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
    printLoad(out, "before");

    Figures figures;
    try (Side reef = new ReefSide(knowledge, settings.window(), settings.prefetch());
        Side reference = EventBusSide.onEventLoop(payload, settings.window());
        Side worker = EventBusSide.onWorker(payload, settings.window())) {
      List<Side> sides = List.of(reef, reference, worker);
      figures = new Figures(sides.stream().map(Side::name).toList());
      int total = settings.warmupRounds() + settings.rounds();
      for (int round = 0; round < total; round++) {
        boolean measured = round >= settings.warmupRounds();
        // Rotate who goes first, so that none always inherits another's garbage or JIT state.
        List<Side> order = new ArrayList<>(sides);
        Collections.rotate(order, -round);
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "round %d/%d%s:", round + 1, total,
            measured ? "" : " (warm-up)"));
        Map<Side, Double> rates = new HashMap<>();
        for (Side side : order) {
          System.gc(); // each side starts its round on a clean heap
          long nanos = side.deliver(settings.messages());
          double rate = settings.messages() / (nanos / 1e9);
          line.append(String.format(Locale.ROOT, "  %s %,.0f msgs/s (%.2f s)", side.name(), rate, nanos / 1e9));
          rates.put(side, rate);
        }
        // The sides of a round run back to back, so these ratios show how steady the machine was.
        line.append(String.format(Locale.ROOT, "  ratio %.3f (to %s %.3f)", rates.get(reef) / rates.get(reference),
            worker.name(), rates.get(reef) / rates.get(worker)));
        out.println(line);
        if (measured) {
          rates.forEach((side, rate) -> figures.add(side.name(), rate));
        }
      }
    }

    printLoad(out, "after");
    Result result = Result.rate(SCENARIO, figures.median(ReefSide.NAME), figures.median(EventBusSide.ON_EVENT_LOOP),
        "msgs/s");
    out.printf(Locale.ROOT, "median of %d rounds: reef %,.0f msgs/s, spread %s; vertx-eventbus %,.0f msgs/s, "
        + "spread %s; reef/reference %.3f%n", settings.rounds(), result.reef(), figures.spread(ReefSide.NAME),
        result.reference(), figures.spread(EventBusSide.ON_EVENT_LOOP), result.ratio());
    // Beside the limit, the event bus making the hand-off Reef makes: to a worker thread (SPEC §3.12).
    double onWorker = figures.median(EventBusSide.ON_WORKER);
    out.printf(Locale.ROOT, "median of %d rounds: vertx-eventbus-worker %,.0f msgs/s, spread %s; reef/that %.3f%n",
        settings.rounds(), onWorker, figures.spread(EventBusSide.ON_WORKER), result.reef() / onWorker);
    out.println(result.line());
    return result;
  }

  /** Other processes on the machine skew both sides; the load average tells the reader how much. */
  private static void printLoad(PrintStream out, String when) {
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    if (load >= 0) {
      out.printf(Locale.ROOT, "system load average (1 min) %s: %.2f%n", when, load);
    }
  }
}
