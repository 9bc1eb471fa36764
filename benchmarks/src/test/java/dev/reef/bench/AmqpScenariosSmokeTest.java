package dev.reef.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs each broker scenario at smoke size against the test broker ({@code REEF_AMQP_URI}, else
 * localhost:5672): each must start its JVMs, finish, clean up and end with a well-formed RESULT line.
 * The figures are not judged: a smoke run measures nothing worth reading.
 */
class AmqpScenariosSmokeTest {

  @Test
  void amqpThroughput() throws Exception {
    List<String> lines = run(AmqpThroughput.SCENARIO, "msgs/s");
    assertThat(lines).anyMatch(line -> line.startsWith("round 1/1: reef "));
  }

  @Test
  void amqpRpcLatency() throws Exception {
    List<String> lines = run(AmqpRpcLatency.SCENARIO, "us");
    assertThat(lines).anyMatch(line -> line.startsWith("median in flight 64: reef p50 "));
  }

  @Test
  void broadcastFanout() throws Exception {
    List<String> lines = run(BroadcastFanout.SCENARIO, "deliveries/s");
    assertThat(lines).anyMatch(line -> line.startsWith("round 1/1: reef "));
  }

  @Test
  void scale() throws Exception {
    List<String> lines = run(Scale.SCENARIO, "ms");
    assertThat(lines).anyMatch(line -> line.contains("directed spores through the 2 JVMs"));
    assertThat(lines).anyMatch(line -> line.startsWith("median: idle JVM with one agent: reef "));
  }

  @Test
  void historyReplay() throws Exception {
    List<String> lines = run(HistoryReplay.SCENARIO, "spores/s");
    assertThat(lines).anyMatch(line -> line.startsWith("round 1/1: reef "));
    assertThat(lines).anyMatch(line -> line.startsWith("channel without history: sends ")
        && line.endsWith("it declares no stream: true"));
  }

  private static List<String> run(String scenario, String unit) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Result result = Bench.run(scenario, Params.of(new String[] {"--smoke=true"}, Map.of()),
        new PrintStream(bytes, true, StandardCharsets.UTF_8));
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    ResultLines.assertWellFormed(lines, scenario, unit, result);
    return lines;
  }
}
