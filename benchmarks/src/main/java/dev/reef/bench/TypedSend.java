package dev.reef.bench;

import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.SubscriptionOptions;
import dev.reef.Subscription;
import dev.reef.spore.JsonDocument;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Scenario {@code typed-send} (SPEC §3.13): sends per second when the knowledge is the user's own
 * record, written by Reef's mapper at each send, beside sending the same knowledge as a ready
 * {@link JsonDocument}, on one backend, in rounds of N directed spores each with a credit window. The
 * ratio is typed over document: what a typed send costs. A third side sends a document the sender
 * writes from the record itself at each send ({@code JsonMapping.document}), as code without typed
 * knowledge would: typed over that is what the typed API adds to writing the JSON.
 *
 * <pre>
 * benchmarks/run typed-send [--messages=200000] [--uri=memory:|amqp://...] [--rounds=5]
 * </pre>
 */
final class TypedSend {
  static final String SCENARIO = "typed-send";

  /** A realistic order: about 1 KB of JSON. */
  record Line(String sku, String description, int quantity, double price) {}

  record Order(String type, String id, String customer, Instant placedAt, List<Line> lines) {}

  private TypedSend() {}

  static Result run(Params params, PrintStream out) throws Exception {
    int messages = params.intValue("messages", 200_000, 2_000, 1);
    int rounds = params.intValue("rounds", 5, 2, 1);
    int warmup = params.intValue("warmup", 3, 1, 0);
    String uri = params.text("uri", "memory:");
    params.requireAllUsed();
    Order order = order();
    try (Broker broker = Broker.connectUnlessInMemory(uri);
        Reef reef = Reef.builder().uri(uri).namespace(broker == null ? "bench-typed" : broker.namespace()).build()) {
      JsonDocument document = reef.json().document(order);
      out.printf(Locale.ROOT, "scenario %s: %d messages of %d B per round, %d warm-up + %d rounds, backend %s%n",
          SCENARIO, messages, document.byteSize(), warmup, rounds, Scenarios.masked(uri));
      if (broker != null) {
        broker.reefAgentQueue("bench", "sink"); // deleted, with the rest of the namespace, when the run ends
        out.println("namespace " + broker.namespace() + " on " + Scenarios.masked(uri));
      }
      Channel channel = reef.channel("bench");
      Round[] current = new Round[1];
      Subscription sink = channel.subscribe("sink", SubscriptionOptions.builder().prefetch(256).build(),
          (spore, ctx) -> {
            current[0].seen();
            return null;
          });
      List<Double> typedRates = new ArrayList<>();
      List<Double> documentRates = new ArrayList<>();
      List<Double> writtenRates = new ArrayList<>();
      String[] sides = {"typed", "document", "written"};
      for (int round = 0; round < warmup + rounds; round++) {
        boolean measured = round >= warmup;
        double[] rate = new double[sides.length];
        for (int turn = 0; turn < sides.length; turn++) {
          int side = (turn + round) % sides.length; // rotate, so that no side always inherits another's state
          System.gc();
          Round run = new Round(messages, 1_000);
          current[0] = run;
          run.start();
          for (int i = 0; i < messages; i++) {
            run.beforeSend();
            Object knowledge = switch (side) {
              case 0 -> order;
              case 1 -> document;
              default -> reef.json().document(order);
            };
            channel.send("bench", "sink", knowledge).whenComplete((ok, error) -> {
              if (error != null) {
                run.failed(error);
              }
            });
          }
          rate[side] = messages / (run.await(sides[side], 10, TimeUnit.MINUTES) / 1e9);
        }
        out.printf(Locale.ROOT, "round %d/%d%s: typed %,.0f msgs/s  document %,.0f msgs/s  ratio %.3f"
            + "  (document written per send %,.0f msgs/s, typed/written %.3f)%n", round + 1, warmup + rounds,
            measured ? "" : " (warm-up)", rate[0], rate[1], rate[0] / rate[1], rate[2], rate[0] / rate[2]);
        if (measured) {
          typedRates.add(rate[0]);
          documentRates.add(rate[1]);
          writtenRates.add(rate[2]);
        }
      }
      sink.close();
      Result result = Result.rate(SCENARIO, Rates.median(typedRates), Rates.median(documentRates), "msgs/s");
      out.printf(Locale.ROOT, "median of %d rounds: typed %,.0f msgs/s, document %,.0f msgs/s (spread %s and %s)%n",
          rounds, result.reef(), result.reference(), Rates.spread(typedRates), Rates.spread(documentRates));
      double written = Rates.median(writtenRates);
      out.printf(Locale.ROOT, "document written per send: %,.0f msgs/s (spread %s), typed/written %.3f%n", written,
          Rates.spread(writtenRates), result.reef() / written);
      out.println(result.line());
      return result;
    }
  }

  private static Order order() {
    List<Line> lines = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      lines.add(new Line("sku-" + (1000 + i), "a reef-safe item, number " + i + ", with a short description", i + 1,
          9.99 + i));
    }
    return new Order("order", "o-4711", "a customer with a name", Instant.parse("2026-12-04T10:15:30.123456Z"),
        lines);
  }
}
