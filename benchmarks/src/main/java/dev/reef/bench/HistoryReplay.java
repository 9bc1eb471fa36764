package dev.reef.bench;

import com.rabbitmq.stream.Environment;
import com.rabbitmq.stream.OffsetSpecification;
import dev.reef.Channel;
import dev.reef.HistoryQuery;
import dev.reef.HistoryRetention;
import dev.reef.Observation;
import dev.reef.Reef;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario {@code history-replay} (SPEC §3.16): spores per second read back from a channel's history,
 * a RabbitMQ stream of N spores of 1 KB, through Reef ({@code history().follow}: every entry decoded
 * into a spore and handed to a consumer) beside the plain stream client consuming the same stream
 * (messages counted, nothing decoded), in alternating rounds of the same run. The ratio is Reef's
 * rate over the plain client's.
 *
 * <p>Beside it, the send rate of a channel that keeps no history, in alternating rounds: in a namespace
 * where no channel keeps any, and in the namespace where this one does; keeping history on one
 * channel must not slow the others, and they declare no stream (checked).
 *
 * <pre>
 * benchmarks/run history-replay [--spores=1000000] [--rounds=5] [--sends=20000] [--uri=amqp://...]
 * </pre>
 */
final class HistoryReplay {
  static final String SCENARIO = "history-replay";
  private static final String CHANNEL = "bench";
  private static final String OTHER = "plain";
  private static final Map<String, Object> KNOWLEDGE = Map.of("t", "x".repeat(1000)); // 1 KB of JSON

  private HistoryReplay() {}

  static Result run(Params params, PrintStream out) throws Exception {
    int spores = params.intValue("spores", 1_000_000, 5_000, 1);
    int rounds = params.intValue("rounds", 5, 1, 1);
    int sends = params.intValue("sends", 20_000, 2_000, 1);
    String uri = Broker.uri(params);
    params.requireAllUsed();
    out.printf(Locale.ROOT, "scenario %s: %,d spores of 1 KB, %d rounds, send-rate checks of %,d spores, %s%n",
        SCENARIO, spores, rounds, sends, Scenarios.masked(uri));
    // No length limit: the send-rate checks send faster than one sink drains.
    String unlimited = uri + (uri.contains("?") ? "&" : "?") + "max_queue_length=0";
    try (Broker broker = Broker.connect(uri);
        Reef reef = Reef.builder().uri(unlimited).namespace(broker.namespace()).build();
        Reef without = Reef.builder().uri(unlimited).namespace(broker.namespace() + "-none").build()) {
      String stream = broker.namespace() + "." + CHANNEL + ".history";
      // The stream and the channel's history exchange share a name (queues and exchanges are apart).
      broker.forgetLater(List.of(stream), List.of(broker.namespace() + "." + CHANNEL, stream));
      broker.reefAgentQueue(OTHER, "sink");
      String none = broker.namespace() + "-none";
      broker.forgetLater(List.of(none + "." + OTHER + ".sink", none + "." + OTHER + ".sink.expired", none + ".dead"),
          List.of(none + "." + OTHER, none + "." + OTHER + ".history", none + ".presence", none + ".dead",
              none + ".retry"));
      Channel other = sink(reef.channel(OTHER));
      Channel otherWithout = sink(without.channel(OTHER));
      Channel channel = reef.channel(CHANNEL);
      channel.history().keep(HistoryRetention.maxBytes(20L * 1024 * 1024 * 1024));
      long fillStart = System.nanoTime();
      fill(channel, spores);
      out.printf(Locale.ROOT, "filled the stream with %,d spores in %.1f s%n", spores,
          (System.nanoTime() - fillStart) / 1e9);
      List<Double> noHistory = new ArrayList<>();
      List<Double> besideHistory = new ArrayList<>();
      for (int i = 0; i < rounds; i++) {
        noHistory.add(sendRate(otherWithout, sends));
        besideHistory.add(sendRate(other, sends));
      }
      boolean otherKeepsNone = !other.history().isKept();
      out.printf(Locale.ROOT, "channel without history: sends %,.0f/s in a namespace without history, %,.0f/s beside"
          + " '%s', which keeps history (ratio %.2f; spread %s and %s); it declares no stream: %s%n",
          Rates.median(noHistory), Rates.median(besideHistory), CHANNEL,
          Rates.median(besideHistory) / Rates.median(noHistory), Rates.spread(noHistory), Rates.spread(besideHistory),
          otherKeepsNone);

      List<Double> reefRates = new ArrayList<>();
      List<Double> plainRates = new ArrayList<>();
      try (Environment environment = Environment.builder().uri(streamUri(uri)).build()) {
        for (int round = 0; round < rounds; round++) {
          double reefRate = reefReplay(channel, spores);
          double plainRate = plainReplay(environment, stream, spores);
          out.printf(Locale.ROOT, "round %d/%d: reef %,.0f spores/s  plain stream client %,.0f msgs/s  ratio %.2f%n",
              round + 1, rounds, reefRate, plainRate, reefRate / plainRate);
          reefRates.add(reefRate);
          plainRates.add(plainRate);
        }
      }
      Result result = Result.rate(SCENARIO, Rates.median(reefRates), Rates.median(plainRates), "spores/s");
      out.printf(Locale.ROOT, "median of %d rounds: reef %,.0f spores/s, plain stream client %,.0f msgs/s (spread %s"
          + " and %s)%n", rounds, result.reef(), result.reference(), Rates.spread(reefRates), Rates.spread(plainRates));
      out.println(result.line());
      return result;
    }
  }

  private static Channel sink(Channel channel) {
    channel.subscribe("sink", dev.reef.SubscriptionOptions.builder().concurrent(2).prefetch(256).build(),
        (spore, context) -> null);
    return channel;
  }

  /** Confirmed sends per second of {@code count} broadcasts of 1 KB, at most 1,000 unconfirmed at once. */
  private static double sendRate(Channel channel, int count) {
    long start = System.nanoTime();
    fill(channel, count);
    return count / ((System.nanoTime() - start) / 1e9);
  }

  private static void fill(Channel channel, int count) {
    List<CompletableFuture<Void>> window = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      window.add(channel.broadcast(Spore.builder(SporeType.BROADCAST).from("bench").knowledge(KNOWLEDGE).build()));
      if (window.size() == 1_000) {
        window.forEach(CompletableFuture::join);
        window.clear();
      }
    }
    window.forEach(CompletableFuture::join);
  }

  private static double reefReplay(Channel channel, int spores) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    AtomicLong read = new AtomicLong();
    long start = System.nanoTime();
    try (Observation following = channel.history().follow(HistoryQuery.all(), entry -> {
      if (entry.spore().knowledge() != null && read.incrementAndGet() == spores) {
        done.countDown();
      }
    })) {
      await(done, "Reef's replay", read);
    }
    return spores / ((System.nanoTime() - start) / 1e9);
  }

  private static double plainReplay(Environment environment, String stream, int spores) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    AtomicLong read = new AtomicLong();
    long start = System.nanoTime();
    com.rabbitmq.stream.Consumer consumer = environment.consumerBuilder().stream(stream)
        .offset(OffsetSpecification.first()).noTrackingStrategy()
        .messageHandler((context, message) -> {
          if (read.incrementAndGet() == spores) {
            done.countDown();
          }
        }).build();
    try {
      await(done, "the plain stream client", read);
    } finally {
      consumer.close();
    }
    return spores / ((System.nanoTime() - start) / 1e9);
  }

  private static void await(CountDownLatch done, String who, AtomicLong read) throws InterruptedException {
    if (!done.await(10, TimeUnit.MINUTES)) {
      throw new IllegalStateException(who + " read only " + read.get() + " spores in 10 minutes");
    }
  }

  /** {@code rabbitmq-stream://USER:PASS@HOST:5552/VHOST} for the broker of {@code uri}. */
  static String streamUri(String uri) {
    java.net.URI amqp = java.net.URI.create(uri);
    String path = amqp.getPath() == null || amqp.getPath().isEmpty() ? "/%2f" : amqp.getRawPath();
    return "rabbitmq-stream://" + (amqp.getRawUserInfo() == null ? "guest:guest" : amqp.getRawUserInfo()) + "@"
        + amqp.getHost() + ":5552" + path;
  }
}
