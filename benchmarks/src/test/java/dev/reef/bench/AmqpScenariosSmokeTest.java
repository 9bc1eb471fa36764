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
 * localhost:5672): each must start its JVMs (Reef's, the Spring AMQP peer's, in both its ways where it
 * sends, and the limit's), finish, clean up and end with a well-formed PEER line (Reef against the
 * peer) and RESULT line (Reef against the limit). The figures are not judged: a smoke run measures
 * nothing worth reading.
 */
class AmqpScenariosSmokeTest {

  @Test
  void amqpThroughput() throws Exception {
    List<String> lines = runWithPeer(AmqpThroughput.SCENARIO, "msgs/s");
    assertThat(lines).anyMatch(line -> line.startsWith("round 1/1: reef ") && line.contains(", spring-amqp ")
        && line.contains(", spring-in-order ") && line.contains(", perftest "));
    assertThat(lines).anyMatch(line -> line.startsWith("median of 1 rounds: reef ") && line.contains("spread "));
  }

  @Test
  void amqpRpcLatency() throws Exception {
    List<String> lines = runWithPeer(AmqpRpcLatency.SCENARIO, "us");
    for (String level : List.of("1", "64")) {
      assertThat(lines).anyMatch(line -> line.startsWith("median in flight " + level + ": reef p50 ")
          && line.contains("; spring-amqp p50 ") && line.contains("p50 reef/spring-amqp "));
      assertThat(lines).anyMatch(line -> line.startsWith("p50 in flight " + level + ", median and spread")
          && line.contains("; spring-amqp "));
    }
  }

  @Test
  void broadcastFanout() throws Exception {
    List<String> lines = runWithPeer(BroadcastFanout.SCENARIO, "deliveries/s");
    assertThat(lines).anyMatch(line -> line.startsWith("round 1/1: reef ") && line.contains(", spring-amqp ")
        && line.contains(", spring-in-order "));
  }

  @Test
  void scale() throws Exception {
    List<String> lines = run(Scale.SCENARIO, "ms", false);
    assertThat(lines).anyMatch(line -> line.contains("directed spores through the 2 JVMs"));
    assertThat(lines).anyMatch(line -> line.startsWith("median: idle JVM with one agent: reef "));
    assertThat(lines).anyMatch(line -> line.startsWith("median: declaring ") && line.contains("spread "));
  }

  @Test
  void historyReplay() throws Exception {
    List<String> lines = run(HistoryReplay.SCENARIO, "spores/s", false);
    assertThat(lines).anyMatch(line -> line.startsWith("round 1/1: reef "));
    assertThat(lines).anyMatch(line -> line.startsWith("channel without history: sends ")
        && line.endsWith("it declares no stream: true"));
  }

  private static List<String> runWithPeer(String scenario, String unit) throws Exception {
    return run(scenario, unit, true);
  }

  private static List<String> run(String scenario, String unit, boolean peer) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Result result = Bench.run(scenario, Params.of(new String[] {"--smoke=true"}, Map.of()),
        new PrintStream(bytes, true, StandardCharsets.UTF_8));
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    if (peer) {
      ResultLines.assertWellFormedWithPeer(lines, scenario, unit, result);
    } else {
      ResultLines.assertWellFormed(lines, scenario, unit, result);
    }
    return lines;
  }
}
