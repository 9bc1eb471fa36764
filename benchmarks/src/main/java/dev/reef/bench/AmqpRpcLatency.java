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
 * requests in flight, from a requester JVM to a responder JVM; beside its peer, Spring AMQP ({@link
 * SpringRequesterJvm}: {@code convertSendAndReceive} with 1 in flight, {@code AsyncRabbitTemplate}
 * beyond, both over direct reply-to; {@link SpringResponderJvm}), and its limit, a plain RabbitMQ Java
 * client RPC over direct reply-to, with the same queue arguments, persistence, prefetch and
 * acknowledgement after the reply. Rounds rotate the sides; each side's p50 and p99 are the medians
 * over rounds, printed with the spread of the rounds' p50.
 *
 * <p>The RESULT line carries the p50 with one request in flight (the pure round trip) in
 * microseconds, and {@code ratio = reference p50 / Reef p50}; the PEER line the same against Spring
 * AMQP; every other figure is printed above them.
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
  private static final List<String> SIDES = List.of("reef", "spring-amqp", "plain");
  private static final String REPLY_QUEUE_SIDE = "plain-queue";

  private AmqpRpcLatency() {}

  static Result run(Params params, PrintStream out) throws Exception {
    int requests = params.intValue("requests", 10_000, 50, 1);
    int warmup = params.intValue("warmup", 10_000, 10, 0);
    int rounds = params.intValue("rounds", 5, 1, 1);
    String levels = params.text("levels", "1,64");
    int prefetch = params.intValue("prefetch", 64, 64, 1);
    // Also time the plain client with a private reply queue, as Reef's backend uses, instead of direct reply-to.
    boolean replyQueueSide = Boolean.parseBoolean(params.text("reply-queue-side", "false"));
    String uri = Broker.uri(params);
    List<String> jvmFlags = Scenarios.jvmFlags(params);
    PrintStream echo = Scenarios.echo(params, out);
    params.requireAllUsed();
    String first = Integer.toString(Integer.parseInt(levels.split(",")[0].trim()));

    out.printf(Locale.ROOT, "scenario %s: requests=%d warmup=%d rounds=%d in flight %s prefetch=%d, "
        + "%d B of knowledge; child JVM flags %s%n", SCENARIO, requests, warmup, rounds, levels, prefetch,
        RpcPayload.body().length, jvmFlags);
    Machine.describe(out);
    Machine.printLoad(out, "before");
    List<String> sides = new ArrayList<>(SIDES);
    if (replyQueueSide) {
      sides.add(REPLY_QUEUE_SIDE);
    }
    Map<String, Figures> p50 = new LinkedHashMap<>();
    Map<String, Figures> p99 = new LinkedHashMap<>();
    try (Broker broker = Broker.connect(uri)) {
      out.println("namespace " + broker.namespace() + " on " + Scenarios.masked(uri));
      broker.reefAgentQueue("rpc", "echo");
      String exchange = broker.namespace() + ".rpc-ref";
      String queue = exchange + ".echo";
      broker.declareExchange(exchange, BuiltinExchangeType.TOPIC);
      broker.declareAgentLikeQueue(queue, exchange, "agent.echo.*");
      String springExchange = broker.namespace() + ".rpc-spring";
      String springQueue = springExchange + ".echo";
      broker.declareExchange(springExchange, BuiltinExchangeType.TOPIC);
      broker.declareAgentLikeQueue(springQueue, springExchange, "agent.echo.*");
      List<String> loop = List.of("--levels=" + levels, "--requests=" + requests, "--warmup=" + warmup);
      for (int round = 1; round <= rounds; round++) {
        List<String> order = new ArrayList<>(Scenarios.order(SIDES, round));
        if (replyQueueSide) {
          order.add(REPLY_QUEUE_SIDE);
        }
        for (String side : order) {
          List<Latencies.Summary> summaries = switch (side) {
            case "reef" -> {
              List<String> common = List.of("--uri=" + uri, "--namespace=" + broker.namespace(), "--channel=rpc");
              yield round(jvmFlags, echo, broker, null, ReefResponderJvm.class,
                  concat(common, List.of("--agent=echo", "--prefetch=" + prefetch)), ReefRequesterJvm.class,
                  concat(common, concat(List.of("--to=echo"), loop)));
            }
            case "spring-amqp" -> round(jvmFlags, echo, broker, springQueue, SpringResponderJvm.class,
                List.of("--uri=" + uri, "--queue=" + springQueue, "--prefetch=" + prefetch), SpringRequesterJvm.class,
                concat(List.of("--uri=" + uri, "--exchange=" + springExchange, "--routing-key=agent.echo.request"),
                    loop));
            case "plain", REPLY_QUEUE_SIDE -> round(jvmFlags, echo, broker, queue, PlainResponderJvm.class,
                List.of("--uri=" + uri, "--queue=" + queue, "--prefetch=" + prefetch), PlainRequesterJvm.class,
                concat(List.of("--uri=" + uri, "--exchange=" + exchange, "--routing-key=agent.echo.request",
                    "--reply-queue=" + side.equals(REPLY_QUEUE_SIDE)), loop));
            default -> throw new IllegalStateException("unknown side " + side);
          };
          for (Latencies.Summary summary : summaries) {
            out.printf(Locale.ROOT, "round %d/%d %-11s in flight %2d: p50 %,8.1f us  p99 %,9.1f us  mean %,8.1f us  "
                + "(%d round trips)%n", round, rounds, side, summary.inFlight(), summary.p50(), summary.p99(),
                summary.mean(), summary.count());
            String level = Integer.toString(summary.inFlight());
            p50.computeIfAbsent(level, k -> new Figures(sides)).add(side, summary.p50());
            p99.computeIfAbsent(level, k -> new Figures(sides)).add(side, summary.p99());
          }
        }
      }
    }
    Machine.printLoad(out, "after");
    for (String level : p50.keySet()) {
      printLevel(out, level, p50.get(level), p99.get(level), replyQueueSide);
    }
    Result result = Result.time(SCENARIO, p50.get(first).median("reef"), p50.get(first).median("plain"), "us")
        .withPeer(p50.get(first).median("spring-amqp"));
    out.println(result.peerLine());
    out.println(result.line());
    return result;
  }

  /** The medians of one level of concurrency, the ratios to the targets, and the spread of the p50s. */
  private static void printLevel(PrintStream out, String level, Figures p50, Figures p99, boolean replyQueueSide) {
    out.printf(Locale.ROOT, "median in flight %s: reef p50 %,.1f us p99 %,.1f us; spring-amqp p50 %,.1f us "
        + "p99 %,.1f us; plain client p50 %,.1f us p99 %,.1f us; p50 reef/spring-amqp %.2f (target <= 1.0), "
        + "reef/plain %.2f (target <= 1.2); p99 reef/spring-amqp %.2f, reef/plain %.2f%n", level, p50.median("reef"),
        p99.median("reef"), p50.median("spring-amqp"), p99.median("spring-amqp"), p50.median("plain"),
        p99.median("plain"), p50.median("reef") / p50.median("spring-amqp"), p50.median("reef") / p50.median("plain"),
        p99.median("reef") / p99.median("spring-amqp"), p99.median("reef") / p99.median("plain"));
    out.printf(Locale.ROOT, "p50 in flight %s, median and spread of the rounds: %s%n", level, p50.summary("us"));
    if (replyQueueSide) {
      out.printf(Locale.ROOT, "median in flight %s: plain client with a private reply queue p50 %,.1f us p99 "
          + "%,.1f us%n", level, p50.median(REPLY_QUEUE_SIDE), p99.median(REPLY_QUEUE_SIDE));
    }
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

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
