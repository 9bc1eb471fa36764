package dev.reef.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reef.HandlerContext;
import dev.reef.ReplyStream;
import dev.reef.agent.AgentDefinition;
import dev.reef.agent.OnSpore;
import dev.reef.spore.SporeType;
import dev.reef.tools.launch.AgentLauncher;
import dev.reef.tools.launch.HttpSettings;
import dev.reef.tools.launch.Settings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code reef send --wait --stream} in this JVM against a streaming agent on an in-memory broker: the
 * parts, one line each, then the reply; exit code 1 with one line on stderr when the stream fails or
 * goes idle. The process test in the examples runs it against RabbitMQ.
 */
class SendStreamCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Opened when a test ends, so that a stalled handler returns. */
  static volatile CountDownLatch unstall = new CountDownLatch(1);

  /** Streams words, parts without words, stalls or fails half-way, as asked. */
  @AgentDefinition(name = "writer", maxAttempts = 1)
  static final class Writer {
    @OnSpore(respondsTo = "write", types = SporeType.REQUEST)
    Map<String, Object> write(HandlerContext context) {
      ReplyStream stream = context.stream();
      List<String> words = List.of("coral", "reefs", "are", "alive");
      words.forEach(word -> stream.send(Map.of("word", word)));
      stream.send(Map.of("progress", 100));
      return Map.of("type", "text", "text", String.join(" ", words), "words", words.size());
    }

    @OnSpore(respondsTo = "stall", types = SporeType.REQUEST)
    void stall(HandlerContext context) throws InterruptedException {
      context.stream().send(Map.of("text", "thinking\nhard"));
      unstall.await(10, TimeUnit.SECONDS);
    }

    @OnSpore(respondsTo = "fail", types = SporeType.REQUEST)
    void fail(HandlerContext context) {
      context.stream().send(Map.of("word", "one"));
      context.stream().send(Map.of("word", "two"));
      throw new IllegalStateException("out of ink");
    }
  }

  /** What one run printed, and its exit code. */
  record Result(int exitCode, List<String> out, List<String> err) {}

  private String uri;
  private AgentLauncher agents;

  @BeforeEach
  void startWriter() {
    unstall = new CountDownLatch(1);
    uri = "memory://cli-stream-" + UUID.randomUUID();
    agents = AgentLauncher.start(new Settings(uri, "cli", null, HttpSettings.NONE, Duration.ofSeconds(2),
        List.of(Settings.Agent.of(Writer.class.getName()))).over(Settings.DEFAULTS), getClass().getClassLoader());
  }

  @AfterEach
  void stopWriter() {
    unstall.countDown();
    agents.close();
  }

  private Result reef(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command = ReefCli.forArguments(Map.of("REEF_AMQP_URI", uri, "REEF_NAMESPACE", "cli"), args);
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    int exitCode = command.execute(args);
    return new Result(exitCode, out.toString().lines().toList(), err.toString().lines().toList());
  }

  @Test
  void eachPartIsOneLineThenTheReplyAndASummary() throws Exception {
    Result result = reef("send", "--to", "writer", "--wait", "--stream", "--knowledge", "{\"type\":\"write\"}");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    // A part's word (or text) alone; a part without one, its knowledge; then the reply, pretty.
    assertThat(result.out().subList(0, 5)).containsExactly("coral", "reefs", "are", "alive", "{\"progress\":100}");
    List<String> reply = result.out().subList(5, result.out().size());
    assertThat(reply).as("the reply, pretty-printed").hasSize(5);
    assertThat(JSON.readTree(String.join("\n", reply)))
        .isEqualTo(JSON.readTree("{\"type\":\"text\",\"text\":\"coral reefs are alive\",\"words\":4}"));
    assertThat(result.err()).singleElement().asString().matches("reef send: 5 part\\(s\\), then the reply from "
        + "'writer' in \\d+ ms \\(request [0-9a-f-]{36}, reply [0-9a-f-]{36}\\)");
  }

  @Test
  void withJsonEachPartIsASporeOnALineThenTheReply() throws Exception {
    Result result = reef("send", "--to", "writer", "--wait", "--stream", "--json", "--knowledge",
        "{\"type\":\"write\"}");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.err()).isEmpty();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : result.out()) {
      lines.add(JSON.readTree(line));
    }
    assertThat(lines).hasSize(6).allSatisfy(spore -> {
      assertThat(spore.path("spore_type").asText()).isEqualTo("response");
      assertThat(spore.path("from_agent").asText()).isEqualTo("writer");
    });
    assertThat(lines.subList(0, 4)).extracting(spore -> spore.path("knowledge").path("word").asText())
        .containsExactly("coral", "reefs", "are", "alive");
    assertThat(lines.get(5).path("knowledge").path("words").asInt()).isEqualTo(4);
    assertThat(lines).extracting(spore -> spore.path("reply_to").asText()).containsOnly(
        lines.get(0).path("reply_to").asText());
  }

  @Test
  void anIdleStreamExitsWith1AndOneLine() {
    Result result = reef("send", "--to", "writer", "--wait", "--stream", "--timeout", "500ms", "--knowledge",
        "{\"type\":\"stall\"}");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
    assertThat(result.out()).containsExactly("thinking hard");
    assertThat(result.err()).singleElement().asString()
        .startsWith("reef send: the stream from 'writer' answering request ")
        .endsWith(" was idle for 500 ms after 1 part(s)");
  }

  @Test
  void aHandlerErrorAfterSomePartsExitsWith1AndOneLine() {
    Result result = reef("send", "--to", "writer", "--wait", "--stream", "--knowledge", "{\"type\":\"fail\"}");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
    assertThat(result.out()).containsExactly("one", "two");
    assertThat(result.err()).containsExactly(
        "reef send: agent 'writer' failed to answer: java.lang.IllegalStateException: out of ink (after 2 part(s))");
  }

  @Test
  void streamWithoutWaitIsBadInput() {
    Result result = reef("send", "--to", "writer", "--stream", "--knowledge", "{\"type\":\"write\"}");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).singleElement().asString().contains("--stream").contains("add --wait");
  }
}
