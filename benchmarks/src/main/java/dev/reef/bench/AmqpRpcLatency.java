package dev.reef.bench;

import com.rabbitmq.client.BuiltinExchangeType;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scenario {@code amqp-rpc-latency}: request/reply round trips through RabbitMQ, with 1 and with 64
 * requests in flight, from a requester JVM to a responder JVM; beside a plain RabbitMQ Java client
 * RPC over direct reply-to, with the same queue arguments, persistence, prefetch and acknowledgement
 * after the reply. Rounds alternate the sides; each side's p50 and p99 are the medians over rounds.
 *
 * <p>The RESULT line carries the p50 with one request in flight (the pure round trip) in
 * microseconds, and {@code ratio = reference p50 / Reef p50}; every other figure is printed above it.
 *
 * <p>Parameters: {@code requests} (recorded per level, side and round), {@code warmup}, {@code
 * rounds}, {@code levels}, {@code prefetch}, {@code reply-queue-side} ({@code true}: also time the
 * plain client taking replies through a private queue, as Reef's backend does), {@code uri}, {@code
 * jvm-flags}, {@code verbose}, {@code smoke}.
 */
final class AmqpRpcLatency {
  static final String SCENARIO = "amqp-rpc-latency";
  private static final Duration TIMEOUT = Duration.ofMinutes(10);
  private static final Duration START = Duration.ofSeconds(60);

  private AmqpRpcLatency() {}

  static Result run(Params params, PrintStream out) throws Exception {
    int requests = params.intValue("requests", 10_000, 50, 1);
    int warmup = params.intValue("warmup", 10_000, 10, 0);
    int rounds = params.intValue("rounds", 3, 1, 1);
    String levels = params.text("levels", "1,64");
    int prefetch = params.intValue("prefetch", 64, 64, 1);
    // Also time the plain client with a private reply queue, as Reef's backend uses, instead of direct reply-to.
    boolean replyQueueSide = Boolean.parseBoolean(params.text("reply-queue-side", "false"));
    String uri = Broker.uri(params);
    List<String> jvmFlags = Scenarios.jvmFlags(params);
    PrintStream echo = Scenarios.echo(params, out);
    params.requireAllUsed();
    int first = Integer.parseInt(levels.split(",")[0].trim());

    out.printf(Locale.ROOT, "scenario %s: requests=%d warmup=%d rounds=%d in flight %s prefetch=%d, "
        + "%d B of knowledge; child JVM flags %s%n", SCENARIO, requests, warmup, rounds, levels, prefetch,
        RpcPayload.body().length, jvmFlags);
    Machine.describe(out);
    Machine.printLoad(out, "before");
    Map<String, List<Latencies.Summary>> reef = new LinkedHashMap<>();
    Map<String, List<Latencies.Summary>> reference = new LinkedHashMap<>();
    Map<String, List<Latencies.Summary>> replyQueue = new LinkedHashMap<>();
    try (Broker broker = Broker.connect(uri)) {
      out.println("namespace " + broker.namespace() + " on " + Scenarios.masked(uri));
      broker.reefAgentQueue("rpc", "echo");
      String exchange = broker.namespace() + ".rpc-ref";
      String queue = exchange + ".echo";
      broker.declareExchange(exchange, BuiltinExchangeType.TOPIC);
      broker.declareAgentLikeQueue(queue, exchange, "agent.echo.*");
      List<String> loop = List.of("--levels=" + levels, "--requests=" + requests, "--warmup=" + warmup);
      for (int round = 1; round <= rounds; round++) {
        List<String> sides = new ArrayList<>(round % 2 == 1 ? List.of("reef", "plain") : List.of("plain", "reef"));
        if (replyQueueSide) {
          sides.add("plain-queue");
        }
        for (String side : sides) {
          List<Latencies.Summary> summaries;
          if (side.equals("reef")) {
            List<String> common = List.of("--uri=" + uri, "--namespace=" + broker.namespace(), "--channel=rpc");
            summaries = round(jvmFlags, echo, broker, null, ReefResponderJvm.class,
                concat(common, List.of("--agent=echo", "--prefetch=" + prefetch)), ReefRequesterJvm.class,
                concat(common, concat(List.of("--to=echo"), loop)));
          } else {
            summaries = round(jvmFlags, echo, broker, queue, PlainResponderJvm.class,
                List.of("--uri=" + uri, "--queue=" + queue, "--prefetch=" + prefetch), PlainRequesterJvm.class,
                concat(List.of("--uri=" + uri, "--exchange=" + exchange, "--routing-key=agent.echo.request",
                    "--reply-queue=" + side.equals("plain-queue")), loop));
          }
          for (Latencies.Summary summary : summaries) {
            out.printf(Locale.ROOT, "round %d/%d %-11s in flight %2d: p50 %,8.1f us  p99 %,9.1f us  mean %,8.1f us  "
                + "(%d round trips)%n", round, rounds, side, summary.inFlight(), summary.p50(), summary.p99(),
                summary.mean(), summary.count());
            Map<String, List<Latencies.Summary>> into = side.equals("reef") ? reef
                : side.equals("plain") ? reference : replyQueue;
            into.computeIfAbsent(Integer.toString(summary.inFlight()), k -> new ArrayList<>()).add(summary);
          }
        }
      }
    }
    Machine.printLoad(out, "after");
    for (String level : reef.keySet()) {
      double reefP50 = median(reef.get(level), true);
      double plainP50 = median(reference.get(level), true);
      double reefP99 = median(reef.get(level), false);
      double plainP99 = median(reference.get(level), false);
      out.printf(Locale.ROOT, "median in flight %s: reef p50 %,.1f us p99 %,.1f us; plain client p50 %,.1f us "
          + "p99 %,.1f us; p50 reef/plain %.2f (target <= 1.2), p99 reef/plain %.2f%n", level, reefP50, reefP99,
          plainP50, plainP99, reefP50 / plainP50, reefP99 / plainP99);
      if (replyQueue.containsKey(level)) {
        out.printf(Locale.ROOT, "median in flight %s: plain client with a private reply queue p50 %,.1f us p99 "
            + "%,.1f us%n", level, median(replyQueue.get(level), true), median(replyQueue.get(level), false));
      }
    }
    String key = Integer.toString(first);
    Result result = Result.time(SCENARIO, median(reef.get(key), true), median(reference.get(key), true), "us");
    out.println(result.line());
    return result;
  }

  /** One side's round: the responder JVM, then the requester JVM; returns the requester's summaries. */
  private static List<Latencies.Summary> round(List<String> jvmFlags, PrintStream echo, Broker broker,
      String referenceQueue, Class<?> responderMain, List<String> responderArgs, Class<?> requesterMain,
      List<String> requesterArgs) throws Exception {
    try (ChildJvm responder = ChildJvm.start("responder", responderMain, jvmFlags, responderArgs, echo)) {
      responder.awaitPrefix("READY", START);
      if (referenceQueue != null) {
        broker.awaitConsumers(List.of(referenceQueue), START);
      }
      List<Latencies.Summary> summaries = new ArrayList<>();
      try (ChildJvm requester = ChildJvm.start("requester", requesterMain, jvmFlags, requesterArgs, echo)) {
        requester.awaitExit(TIMEOUT);
        for (String line : requester.lines()) {
          if (line.startsWith("LATENCY ")) {
            summaries.add(Latencies.Summary.parse(line));
          }
        }
      }
      responder.endInput();
      responder.awaitExit(START);
      if (summaries.isEmpty()) {
        throw new IllegalStateException(requesterMain.getSimpleName() + " printed no LATENCY line");
      }
      return summaries;
    }
  }

  private static double median(List<Latencies.Summary> summaries, boolean p50) {
    return Machine.median(summaries.stream().map(s -> p50 ? s.p50() : s.p99()).toList());
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
