package dev.reef.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
  private static final String BROKER = Broker.uri(Params.of(new String[0], Map.of()));

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

  @Test
  void typedSendOnTheBrokerLeavesNothingThere() throws Exception {
    List<String> lines = run(TypedSend.SCENARIO, "msgs/s", false, "--uri=" + BROKER);
    assertNamespaceGone(lines, "sink");
  }

  @Test
  void streamingOnTheBrokerLeavesNothingThere() throws Exception {
    List<String> lines = run(Streaming.SCENARIO, "parts/s", false, "--uri=" + BROKER);
    assertNamespaceGone(lines, "streamer", "echo");
  }

  /** The agents' queues and the channel's exchange of the run's namespace no longer exist on the broker. */
  private static void assertNamespaceGone(List<String> lines, String... agents) throws Exception {
    String namespace = lines.stream().filter(line -> line.startsWith("namespace ")).findFirst()
        .map(line -> line.split(" ")[1]).orElseThrow(() -> new AssertionError("no namespace line in " + lines));
    List<String> queues = new ArrayList<>();
    for (String agent : agents) {
      queues.add(namespace + ".bench." + agent);
      queues.add(namespace + ".bench." + agent + ".expired");
    }
    try (Connection connection = Broker.factory(BROKER).newConnection("smoke-test-cleanup")) {
      for (String queue : queues) {
        assertThat(exists(connection, ch -> ch.queueDeclarePassive(queue))).as("queue %s", queue).isFalse();
      }
      String exchange = namespace + ".bench";
      assertThat(exists(connection, ch -> ch.exchangeDeclarePassive(exchange))).as("exchange %s", exchange).isFalse();
    }
  }

  private interface Passive {
    void declare(Channel channel) throws IOException;
  }

  /** Whether a passive declare finds the object (the broker closes the channel when it does not). */
  private static boolean exists(Connection connection, Passive passive) throws IOException {
    Channel channel = connection.createChannel();
    try {
      passive.declare(channel);
      channel.abort();
      return true;
    } catch (IOException notFound) {
      return false;
    }
  }

  private static List<String> runWithPeer(String scenario, String unit) throws Exception {
    return run(scenario, unit, true);
  }

  private static List<String> run(String scenario, String unit, boolean peer, String... args) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<String> all = new ArrayList<>(List.of("--smoke=true"));
    all.addAll(List.of(args));
    Result result = Bench.run(scenario, Params.of(all.toArray(String[]::new), Map.of()),
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
