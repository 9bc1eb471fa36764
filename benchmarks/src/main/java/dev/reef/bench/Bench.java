package dev.reef.bench;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * The benchmarks' command line: {@code Bench SCENARIO [--name=value ...]}. Each scenario runs Reef
 * and its reference (the limit) in the same run and ends with the line {@code RESULT scenario=NAME
 * reef=VALUE reference=VALUE unit=UNIT ratio=VALUE}, the ratio oriented so that higher is better for
 * Reef; the AMQP scenarios also run a peer (Spring AMQP) and print {@code PEER scenario=NAME
 * reef=VALUE peer=VALUE unit=UNIT ratio=VALUE}, oriented alike, just before it.
 *
 * <pre>
 * java -jar benchmarks/target/reef-benchmarks.jar amqp-throughput --rounds=5
 * </pre>
 */
public final class Bench {
  /** Every scenario, by the name its RESULT line carries. */
  static final List<String> SCENARIOS = List.of(InMemoryThroughput.SCENARIO, AmqpThroughput.SCENARIO,
      AmqpRpcLatency.SCENARIO, BroadcastFanout.SCENARIO, Scale.SCENARIO, Streaming.SCENARIO, TypedSend.SCENARIO,
      HistoryReplay.SCENARIO, CrossSiteThroughput.SCENARIO);

  private Bench() {}

  /** Runs the scenario named by the first argument with the parameters that follow. */
  public static void main(String[] args) throws Exception {
    if (args.length == 0 || !SCENARIOS.contains(args[0])) {
      System.err.println("usage: Bench SCENARIO [--name=value ...]; scenarios: " + String.join(", ", SCENARIOS)
          + "\nsee benchmarks/README.md for each scenario's parameters");
      System.exit(2);
    }
    run(args[0], Params.of(Arrays.copyOfRange(args, 1, args.length)), System.out);
    System.exit(0); // child JVMs are gone; do not wait for lingering non-daemon threads of client libraries
  }

  /** Runs one scenario. */
  static Result run(String scenario, Params params, PrintStream out) throws Exception {
    return switch (scenario) {
      case InMemoryThroughput.SCENARIO -> InMemoryThroughput.run(params, out);
      case AmqpThroughput.SCENARIO -> AmqpThroughput.run(params, out);
      case AmqpRpcLatency.SCENARIO -> AmqpRpcLatency.run(params, out);
      case BroadcastFanout.SCENARIO -> BroadcastFanout.run(params, out);
      case Scale.SCENARIO -> Scale.run(params, out);
      case Streaming.SCENARIO -> Streaming.run(params, out);
      case TypedSend.SCENARIO -> TypedSend.run(params, out);
      case HistoryReplay.SCENARIO -> HistoryReplay.run(params, out);
      case CrossSiteThroughput.SCENARIO -> CrossSiteThroughput.run(params, out);
      default -> throw new IllegalArgumentException("unknown scenario '" + scenario + "'; known: " + SCENARIOS);
    };
  }
}
