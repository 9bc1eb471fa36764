package dev.reef.bench;

import com.rabbitmq.perf.PerfTest;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One round of a rate comparison on the broker: a consumer JVM and a producer JVM, for Reef, for its
 * Spring AMQP peer or for PerfTest, started in that order and measured the same way (see {@link
 * Intervals}).
 *
 * @param broker the broker and namespace of the run
 * @param jvmFlags flags for every JVM started, the same for both sides
 * @param timeout how long a round may take before it fails
 * @param echo where to copy the child JVMs' lines, or null
 */
record AmqpRates(Broker broker, List<String> jvmFlags, Duration timeout, PrintStream echo) {
  private static final Duration START = Duration.ofSeconds(60);
  private static final Pattern AVERAGE = Pattern.compile("receiving rate avg: ([0-9.]+) msg/s");

  /**
   * Reef's round: {@link ReefConsumerJvm} subscribes {@code agents} on {@code channel}, then {@link
   * ReefProducerJvm} sends {@code messages} spores to {@code to} ({@code *}: broadcast).
   *
   * @return the consumer's steady receive rate, in deliveries per second
   */
  double reef(String channel, List<String> agents, String to, int messages, int window, int prefetch)
      throws Exception {
    for (String agent : agents) {
      broker.reefAgentQueue(channel, agent);
    }
    long expect = to.equals("*") ? (long) messages * agents.size() : messages;
    List<String> common = List.of("--uri=" + broker.uri(), "--namespace=" + broker.namespace(),
        "--channel=" + channel);
    List<String> consumerArgs = new ArrayList<>(common);
    consumerArgs.addAll(List.of("--agents=" + String.join(",", agents), "--prefetch=" + prefetch,
        "--expect=" + expect, "--timeout-s=" + timeout.toSeconds()));
    List<String> producerArgs = new ArrayList<>(common);
    producerArgs.addAll(List.of("--to=" + to, "--messages=" + messages, "--window=" + window));
    try (ChildJvm consumer = ChildJvm.start("reef-consumer", ReefConsumerJvm.class, jvmFlags, consumerArgs, echo)) {
      consumer.awaitPrefix("READY", START);
      try (ChildJvm producer = ChildJvm.start("reef-producer", ReefProducerJvm.class, jvmFlags, producerArgs, echo)) {
        producer.awaitExit(timeout);
      }
      consumer.awaitExit(timeout);
      return Intervals.steadyRate(Intervals.parse(consumer.lines()));
    }
  }

  /**
   * The Spring AMQP peer's round: {@link SpringConsumerJvm} listens on {@code queues}, then, once each
   * has its consumer, {@link SpringProducerJvm} sends {@code messages} to {@code exchange} with {@code
   * routingKey}, every queue getting each one; with {@code ordered}, all on one channel, in order (see
   * {@link SpringProducerJvm}).
   *
   * @return the consumer's steady receive rate, in deliveries per second
   */
  double spring(String exchange, String routingKey, boolean mandatory, List<String> queues, int messages, int window,
      int prefetch, boolean ordered) throws Exception {
    List<String> consumerArgs = List.of("--uri=" + broker.uri(), "--queues=" + String.join(",", queues),
        "--prefetch=" + prefetch, "--expect=" + (long) messages * queues.size(), "--timeout-s=" + timeout.toSeconds());
    List<String> producerArgs = List.of("--uri=" + broker.uri(), "--exchange=" + exchange,
        "--routing-key=" + routingKey, "--mandatory=" + mandatory, "--messages=" + messages, "--window=" + window,
        "--ordered=" + ordered);
    try (ChildJvm consumer = ChildJvm.start("spring-consumer", SpringConsumerJvm.class, jvmFlags, consumerArgs, echo)) {
      consumer.awaitPrefix("READY", START);
      broker.awaitConsumers(queues, START);
      try (ChildJvm producer = ChildJvm.start("spring-producer", SpringProducerJvm.class, jvmFlags, producerArgs,
          echo)) {
        producer.awaitExit(timeout);
      }
      consumer.awaitExit(timeout);
      return Intervals.steadyRate(Intervals.parse(consumer.lines()));
    }
  }

  /**
   * PerfTest's round: a consumer-only PerfTest JVM, and once each of {@code queues} has its
   * consumer, a producer-only PerfTest JVM.
   *
   * @return the consumer's steady receive rate, in deliveries per second
   */
  double perfTest(List<String> consumerArgs, List<String> producerArgs, List<String> queues) throws Exception {
    List<String> consumer = new ArrayList<>(List.of("--uri", broker.uri(), "--producers", "0", "--interval", "1"));
    consumer.addAll(consumerArgs);
    List<String> producer = new ArrayList<>(List.of("--uri", broker.uri(), "--consumers", "0", "--interval", "1"));
    producer.addAll(producerArgs);
    try (ChildJvm consuming = ChildJvm.start("perftest-consumer", PerfTest.class, jvmFlags, consumer, echo)) {
      broker.awaitConsumers(queues, START);
      try (ChildJvm producing = ChildJvm.start("perftest-producer", PerfTest.class, jvmFlags, producer, echo)) {
        producing.awaitExit(timeout);
      }
      consuming.awaitExit(timeout);
      List<Intervals.Sample> samples = Intervals.parse(consuming.lines());
      if (!Intervals.anyDeliveries(samples)) {
        // A run shorter than PerfTest's first report (smoke size): its own average over the run is all there is.
        return summaryRate(consuming.lines());
      }
      return Intervals.steadyRate(samples);
    }
  }

  private static double summaryRate(List<String> lines) {
    for (String line : lines) {
      Matcher matcher = AVERAGE.matcher(line);
      if (matcher.find()) {
        return Double.parseDouble(matcher.group(1));
      }
    }
    throw new IllegalStateException("PerfTest printed neither a sample with deliveries nor a receiving rate: "
        + lines);
  }
}
