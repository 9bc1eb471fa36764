package dev.reef.bench;

import com.rabbitmq.client.BuiltinExchangeType;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Scenario {@code broadcast-fanout}: broadcasts of 1 KB of knowledge to {@code agents} agent names
 * (50) on one channel, deliveries per second, from a producer JVM to one consumer JVM running every
 * agent; beside its peer, Spring AMQP publishing to a topic exchange with one queue per listener,
 * bound as Reef binds an agent's queue, and one listener container per queue in one JVM (by default,
 * and as side {@code spring-in-order} publishing on one channel to keep the broadcasts' order); and its
 * limit, PerfTest with as many queues bound to one fanout exchange, one consumer per queue. Same
 * persistence, confirm window, prefetch, acknowledgement mode and queue arguments, in rotating order.
 *
 * <p>Parameters: {@code agents}, {@code messages} (broadcasts per round and side), {@code rounds},
 * {@code window}, {@code prefetch}, {@code channels-side} (N &gt; 1: also run PerfTest with its window
 * split among N producers, each publishing on a channel of its own), {@code uri}, {@code jvm-flags},
 * {@code verbose}, {@code smoke}.
 */
final class BroadcastFanout {
  static final String SCENARIO = "broadcast-fanout";
  private static final String UNIT = "deliveries/s";
  private static final List<String> SIDES = List.of("reef", "spring-amqp", "spring-in-order", "perftest");

  private BroadcastFanout() {}

  static Result run(Params params, PrintStream out) throws Exception {
    int agents = params.intValue("agents", 50, 5, 1);
    int messages = params.intValue("messages", 4_000, 100, 1);
    int rounds = params.intValue("rounds", 5, 1, 1);
    int window = params.intValue("window", 128, 128, 1);
    int prefetch = params.intValue("prefetch", 128, 128, 1);
    // Also run PerfTest with its sends spread over this many channels, as Spring AMQP's channel cache spreads
    // a window of correlated sends: the broker routes each publish in its channel's process, so that spreading
    // lets it route on all its cores (at the price of the order among one sender's messages).
    int channelsSide = params.intValue("channels-side", 0, 0, 0);
    if (channelsSide == 1) {
      throw new IllegalArgumentException("channels-side: 0 (no such run) or at least 2 channels, got 1");
    }
    String uri = Broker.uri(params);
    List<String> jvmFlags = Scenarios.jvmFlags(params);
    PrintStream echo = Scenarios.echo(params, out);
    params.requireAllUsed();

    out.printf(Locale.ROOT, "scenario %s: agents=%d messages=%d (deliveries %d) rounds=%d window=%d prefetch=%d, "
        + "%d B of knowledge, persistent, confirms, ack after handling; child JVM flags %s%n", SCENARIO, agents,
        messages, (long) messages * agents, rounds, window, prefetch, Payload.BYTES, jvmFlags);
    Machine.describe(out);
    Machine.printLoad(out, "before");
    Figures figures = new Figures(SIDES);
    try (Broker broker = Broker.connect(uri)) {
      out.println("namespace " + broker.namespace() + " on " + Scenarios.masked(uri));
      List<String> names = new ArrayList<>();
      for (int i = 1; i <= agents; i++) {
        names.add(String.format(Locale.ROOT, "agent-%02d", i));
      }
      String exchange = broker.namespace() + ".fanout";
      broker.declareExchange(exchange, BuiltinExchangeType.FANOUT);
      List<String> queues = new ArrayList<>();
      for (int i = 1; i <= agents; i++) {
        String queue = exchange + "-" + i;
        broker.declareAgentLikeQueue(queue, exchange, "");
        queues.add(queue);
      }
      // The peer's queues: one per listener, bound as Reef binds an agent's queue (its own key and broadcasts).
      String springExchange = broker.namespace() + ".spring-fan";
      broker.declareExchange(springExchange, BuiltinExchangeType.TOPIC);
      List<String> springQueues = new ArrayList<>();
      for (String name : names) {
        String queue = springExchange + "." + name;
        broker.declareAgentLikeQueue(queue, springExchange, "agent." + name + ".*");
        broker.bind(queue, springExchange, "broadcast.*");
        springQueues.add(queue);
      }
      AmqpRates rates = new AmqpRates(broker, jvmFlags, Duration.ofMinutes(10), echo);
      List<String> perfConsumer = List.of("--predeclared", "--queue-pattern", exchange + "-%d",
          "--queue-pattern-from", "1", "--queue-pattern-to", Integer.toString(agents), "--consumers",
          Integer.toString(agents), "--exchange", exchange, "--type", "fanout", "--qos", Integer.toString(prefetch),
          "--cmessages", Integer.toString(messages));
      List<String> perfProducer = List.of("--predeclared", "--exchange", exchange, "--type", "fanout",
          "--routing-key", "broadcast.knowledge", "--skip-binding-queues", "--size", Integer.toString(Payload.BYTES),
          "--flag", "persistent", "--message-properties", "priority=5", "--confirm", Integer.toString(window),
          "--pmessages", Integer.toString(messages));
      // The same PerfTest run with its window and its broadcasts split among channelsSide producers, if asked.
      int confirmEach = channelsSide > 1 ? Math.max(1, window / channelsSide) : 0;
      List<String> perfConsumerOnChannels = List.of();
      List<String> perfProducerOnChannels = new ArrayList<>();
      if (channelsSide > 1) {
        int perChannel = messages / channelsSide;
        perfConsumerOnChannels = replaced(perfConsumer, "--cmessages", Integer.toString(perChannel * channelsSide));
        perfProducerOnChannels.addAll(replaced(replaced(perfProducer, "--confirm", Integer.toString(confirmEach)),
            "--pmessages", Integer.toString(perChannel)));
        perfProducerOnChannels.addAll(List.of("--producers", Integer.toString(channelsSide)));
      }
      List<Double> onChannels = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        for (String side : Scenarios.order(SIDES, round)) {
          figures.add(side, switch (side) {
            case "reef" -> rates.reef("fan", names, "*", messages, window, prefetch);
            case "spring-amqp" -> rates.spring(springExchange, "broadcast.knowledge", false, springQueues, messages,
                window, prefetch, false);
            case "spring-in-order" -> rates.spring(springExchange, "broadcast.knowledge", false, springQueues, messages,
                window, prefetch, true);
            case "perftest" -> rates.perfTest(perfConsumer, perfProducer, queues);
            default -> throw new IllegalStateException("unknown side " + side);
          });
        }
        out.printf(Locale.ROOT, "round %d/%d: %s%n", round, rounds, figures.lastRates(UNIT));
        if (channelsSide > 1) {
          onChannels.add(rates.perfTest(perfConsumerOnChannels, perfProducerOnChannels, queues));
          out.printf(Locale.ROOT, "round %d/%d: perftest with its window on %d channels (%d producers, --confirm %d"
              + " each) %,.0f %s%n", round, rounds, channelsSide, channelsSide, confirmEach,
              onChannels.get(onChannels.size() - 1), UNIT);
        }
      }
      if (channelsSide > 1) {
        out.printf(Locale.ROOT, "perftest with its window on %d channels: median %,.0f %s, spread %s%n", channelsSide,
            Rates.median(onChannels), UNIT, Rates.spread(onChannels));
      }
    }
    Machine.printLoad(out, "after");
    Result result = Result.rate(SCENARIO, figures.median("reef"), figures.median("perftest"), UNIT)
        .withPeer(figures.median("spring-amqp"));
    Scenarios.printMedians(out, figures, rounds, UNIT, result);
    return result;
  }

  /** {@code arguments} with the value after {@code option} replaced. */
  private static List<String> replaced(List<String> arguments, String option, String value) {
    List<String> copy = new ArrayList<>(arguments);
    copy.set(copy.indexOf(option) + 1, value);
    return copy;
  }
}
