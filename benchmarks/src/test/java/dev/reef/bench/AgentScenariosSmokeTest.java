package dev.reef.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The streaming and typed-send scenarios at smoke size, in memory: each must finish and report. */
class AgentScenariosSmokeTest {

  @Test
  void streamingReportsPartsPerSecondBesideRequestReplies() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Result result = Streaming.run(Params.of(new String[] {"--smoke=true"}, Map.of()),
        new PrintStream(bytes, true, StandardCharsets.UTF_8));
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    ResultLines.assertWellFormed(lines, Streaming.SCENARIO, "parts/s", result);
  }

  @Test
  void typedSendReportsTypedBesideDocumentSends() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Result result = TypedSend.run(Params.of(new String[] {"--smoke=true"}, Map.of()),
        new PrintStream(bytes, true, StandardCharsets.UTF_8));
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    ResultLines.assertWellFormed(lines, TypedSend.SCENARIO, "msgs/s", result);
  }
}
