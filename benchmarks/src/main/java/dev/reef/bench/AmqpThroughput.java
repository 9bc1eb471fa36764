package dev.reef.bench;

import com.rabbitmq.client.BuiltinExchangeType;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Scenario {@code amqp-throughput}: directed spores per second through RabbitMQ, 1 KB of knowledge,
 * persistent, publisher confirms, acknowledged after the handler, from a producer JVM to a consumer
 * JVM; beside its peer, Spring AMQP ({@link SpringProducerJvm}, {@link SpringConsumerJvm}), as a team
 * would write it by default and, as side {@code spring-in-order}, sending on one channel to keep its
 * messages in order as Reef does; and its limit, RabbitMQ PerfTest; each doing the same with the same
 * message size, persistence, confirm window, prefetch, acknowledgement mode and queue arguments, in
 * rotating order on one broker.
 *
 * <p>Parameters: {@code messages} (per round and side), {@code rounds}, {@code window} (unconfirmed
 * publishes), {@code prefetch}, {@code headers-side} ({@code true}: also run PerfTest with a spore's
 * headers on each message), {@code multi-ack-side} ({@code true}: also run PerfTest acking in batches as
 * Reef does), {@code uri}, {@code jvm-flags}, {@code verbose}, {@code smoke}.
 */
final class AmqpThroughput {
  static final String SCENARIO = "amqp-throughput";
  private static final List<String> SIDES = List.of("reef", "spring-amqp", "spring-in-order", "perftest");

  private AmqpThroughput() {}

  static Result run(Params params, PrintStream out) throws Exception {
    int messages = params.intValue("messages", 150_000, 2_000, 1);
    int rounds = params.intValue("rounds", 5, 1, 1);
    int window = params.intValue("window", 128, 128, 1);
    int prefetch = params.intValue("prefetch", 128, 128, 1);
    // Also run PerfTest with a spore's headers on each message, to show what the wire format itself costs.
    boolean headersSide = Boolean.parseBoolean(params.text("headers-side", "false"));
    // Also run PerfTest acking in batches as Reef does while it has other deliveries in hand (up to half
    // the prefetch, at most 64, one multiple-ack each), to show what that batching is worth on its own.
    boolean multiAckSide = Boolean.parseBoolean(params.text("multi-ack-side", "false"));
    String uri = Broker.uri(params);
    List<String> jvmFlags = Scenarios.jvmFlags(params);
    PrintStream echo = Scenarios.echo(params, out);
    params.requireAllUsed();

    out.printf(Locale.ROOT, "scenario %s: messages=%d rounds=%d window=%d prefetch=%d, %d B of knowledge, "
        + "persistent, confirms, ack after handling; child JVM flags %s%n", SCENARIO, messages, rounds, window,
        prefetch, Payload.BYTES, jvmFlags);
    Machine.describe(out);
    Machine.printLoad(out, "before");
    Figures figures = new Figures(SIDES);
    try (Broker broker = Broker.connect(uri)) {
      out.println("namespace " + broker.namespace() + " on " + Scenarios.masked(uri));
      String exchange = broker.namespace() + ".perftest";
      String queue = exchange + ".sink";
      broker.declareExchange(exchange, BuiltinExchangeType.TOPIC);
      broker.declareAgentLikeQueue(queue, exchange, "agent.sink.*");
      String springExchange = broker.namespace() + ".spring";
      String springQueue = springExchange + ".sink";
      broker.declareExchange(springExchange, BuiltinExchangeType.TOPIC);
      broker.declareAgentLikeQueue(springQueue, springExchange, "agent.sink.*");
      AmqpRates rates = new AmqpRates(broker, jvmFlags, Duration.ofMinutes(10), echo);
      List<String> perfConsumer = List.of("--predeclared", "--queue", queue, "--exchange", exchange, "--type", "topic",
          "--qos", Integer.toString(prefetch), "--cmessages", Integer.toString(messages));
      List<String> perfProducer = List.of("--predeclared", "--exchange", exchange, "--type", "topic",
          "--routing-key", "agent.sink.knowledge", "--skip-binding-queues", "--size", Integer.toString(Payload.BYTES),
          "--flag", "persistent", "--flag", "mandatory", "--message-properties", "priority=5",
          "--confirm", Integer.toString(window), "--pmessages", Integer.toString(messages));
      List<String> perfConsumerMultiAck = new ArrayList<>(perfConsumer);
      perfConsumerMultiAck.addAll(List.of("--multi-ack-every", Integer.toString(Math.max(1, Math.min(64, prefetch / 2)))));
      List<String> perfProducerWithHeaders = new ArrayList<>(perfProducer);
      perfProducerWithHeaders.set(perfProducerWithHeaders.indexOf("priority=5"), "priority=5," + sporeHeaders());
      for (int round = 1; round <= rounds; round++) {
        for (String side : Scenarios.order(SIDES, round)) {
          figures.add(side, switch (side) {
            case "reef" -> rates.reef("bench", List.of("sink"), "sink", messages, window, prefetch);
            case "spring-amqp" -> rates.spring(springExchange, "agent.sink.knowledge", true, List.of(springQueue),
                messages, window, prefetch, false);
            case "spring-in-order" -> rates.spring(springExchange, "agent.sink.knowledge", true, List.of(springQueue),
                messages, window, prefetch, true);
            case "perftest" -> rates.perfTest(perfConsumer, perfProducer, List.of(queue));
            default -> throw new IllegalStateException("unknown side " + side);
          });
        }
        out.printf(Locale.ROOT, "round %d/%d: %s%n", round, rounds, figures.lastRates("msgs/s"));
        if (headersSide) {
          double withHeaders = rates.perfTest(perfConsumer, perfProducerWithHeaders, List.of(queue));
          out.printf(Locale.ROOT, "round %d/%d: perftest with a spore's headers on each message %,.0f msgs/s%n",
              round, rounds, withHeaders);
        }
        if (multiAckSide) {
          double multiAck = rates.perfTest(perfConsumerMultiAck, perfProducer, List.of(queue));
          out.printf(Locale.ROOT, "round %d/%d: perftest acking in batches (%s) %,.0f msgs/s%n", round, rounds,
              String.join(" ", perfConsumerMultiAck.subList(perfConsumer.size(), perfConsumerMultiAck.size())), multiAck);
        }
      }
    }
    Machine.printLoad(out, "after");
    Result result = Result.rate(SCENARIO, figures.median("reef"), figures.median("perftest"), "msgs/s")
        .withPeer(figures.median("spring-amqp"));
    Scenarios.printMedians(out, figures, rounds, "msgs/s", result);
    return result;
  }

  /**
   * The headers Reef writes on a directed knowledge spore without metadata or references (SPEC §4),
   * with typical values, and its message id and content type. The {@code priority} header is missing:
   * PerfTest takes that name for the property.
   */
  private static String sporeHeaders() {
    return String.join(",", "spore_id=7c9e6679-7425-40de-944b-e07fc1f90ae7", "spore_type=knowledge",
        "from_agent=bench-producer", "to_agent=sink", "created_at=2026-11-21T09:30:00.123456+00:00", "expires_at=",
        "reply_to=", "version=1.0", "messageId=7c9e6679-7425-40de-944b-e07fc1f90ae7", "contentType=application/json");
  }
}
