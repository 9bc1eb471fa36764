package dev.reef.bench;

import dev.reef.Channel;
import dev.reef.Concurrency;
import dev.reef.Reef;
import dev.reef.ReplyStream;
import dev.reef.StreamingReply;
import dev.reef.SubscriptionOptions;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario {@code streaming} (SPEC §3.14): parts per second through one streamed reply of N parts of
 * 64 bytes, beside N plain request/replies of the same 64 bytes asked one after another (a chain of
 * single requests, as an agent would without streaming), on one backend, in alternating rounds. The
 * ratio is stream parts per second over request/replies per second.
 *
 * <pre>
 * benchmarks/run streaming [--parts=20000] [--uri=memory://NAME|amqp://...] [--rounds=5]
 * </pre>
 */
final class Streaming {
  static final String SCENARIO = "streaming";
  /** 64 bytes of knowledge: {"t":"…"} with 56 characters of text. */
  static final Map<String, Object> PART = Map.of("t", "x".repeat(56));

  private Streaming() {}

  static Result run(Params params, PrintStream out) throws Exception {
    int parts = params.intValue("parts", 20_000, 500, 1);
    int rounds = params.intValue("rounds", 5, 2, 1);
    int warmup = params.intValue("warmup", 2, 1, 0);
    String uri = params.text("uri", "memory://bench-streaming"); // the two Reefs share one broker
    params.requireAllUsed();
    out.printf(Locale.ROOT, "scenario %s: %d parts of 64 B per round, %d warm-up + %d rounds, backend %s%n",
        SCENARIO, parts, warmup, rounds, Scenarios.masked(uri));
    try (Broker broker = Broker.connectUnlessInMemory(uri);
        Reef responder = Reef.builder().uri(uri).namespace(namespace(broker)).build();
        Reef caller = Reef.builder().uri(uri).namespace(namespace(broker)).build()) {
      if (broker != null) { // deleted, with the rest of the namespace, when the run ends
        broker.reefAgentQueue("bench", "streamer");
        broker.reefAgentQueue("bench", "echo");
        out.println("namespace " + broker.namespace() + " on " + Scenarios.masked(uri));
      }
      SubscriptionOptions options = SubscriptionOptions.builder().concurrency(Concurrency.SEQUENTIAL).prefetch(64)
          .build();
      responder.channel("bench").subscribe("streamer", options, (spore, ctx) -> {
        ReplyStream stream = ctx.stream();
        int count = spore.knowledge().get("parts").asInt();
        for (int i = 0; i < count; i++) {
          stream.send(PART);
        }
        return Map.of("parts", count);
      });
      responder.channel("bench").subscribe("echo", options, (spore, ctx) -> PART);
      Channel channel = caller.channel("bench");
      List<Double> streamRates = new ArrayList<>();
      List<Double> rpcRates = new ArrayList<>();
      for (int round = 0; round < warmup + rounds; round++) {
        boolean measured = round >= warmup;
        double stream = streamRate(channel, parts);
        double rpc = rpcRate(channel, parts);
        out.printf(Locale.ROOT, "round %d/%d%s: stream %,.0f parts/s  request/reply %,.0f replies/s  ratio %.2f%n",
            round + 1, warmup + rounds, measured ? "" : " (warm-up)", stream, rpc, stream / rpc);
        if (measured) {
          streamRates.add(stream);
          rpcRates.add(rpc);
        }
      }
      Result result = Result.rate(SCENARIO, Rates.median(streamRates), Rates.median(rpcRates), "parts/s");
      out.printf(Locale.ROOT, "median of %d rounds: stream %,.0f parts/s, request/reply %,.0f replies/s (spread %s and"
          + " %s)%n", rounds, result.reef(), result.reference(), Rates.spread(streamRates), Rates.spread(rpcRates));
      out.println(result.line());
      return result;
    }
  }

  /** The run's namespace: on a broker the fresh one it deletes at the end, in memory a fixed one. */
  private static String namespace(Broker broker) {
    return broker == null ? "bench-stream" : broker.namespace();
  }

  private static double streamRate(Channel channel, int parts) {
    AtomicLong received = new AtomicLong();
    long start = System.nanoTime();
    StreamingReply call = channel.requestStream("caller", "streamer", Map.of("parts", parts), Duration.ofSeconds(30),
        part -> received.incrementAndGet());
    call.reply().orTimeout(5, TimeUnit.MINUTES).join();
    long nanos = System.nanoTime() - start;
    if (received.get() != parts) {
      throw new IllegalStateException("stream: expected " + parts + " parts, got " + received.get());
    }
    return parts / (nanos / 1e9);
  }

  private static double rpcRate(Channel channel, int requests) {
    long start = System.nanoTime();
    for (int i = 0; i < requests; i++) {
      channel.request("caller", "echo", PART, Duration.ofSeconds(30)).orTimeout(1, TimeUnit.MINUTES).join();
    }
    return requests / ((System.nanoTime() - start) / 1e9);
  }
}
