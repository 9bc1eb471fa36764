package dev.reef.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reef.agent.AgentDefinition;
import dev.reef.agent.OnSpore;

import dev.reef.tools.launch.AgentLauncher;
import dev.reef.tools.launch.Settings;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The {@code reef} commands in this JVM, against agents on a shared in-memory broker: what they print,
 * and their exit codes (0 done, 1 failed, 2 bad input with one line on stderr).
 */
class ReefCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private String uri;
  private AgentLauncher agents;

  /** An agent that answers, and fails on request. */
  @AgentDefinition(name = "adder", maxAttempts = 1)
  static final class Adder {
    @OnSpore(respondsTo = "add", types = SporeType.REQUEST)
    Map<String, Object> add(Spore spore) {
      if (!spore.knowledge().has("b")) {
        throw new IllegalArgumentException("b is missing");
      }
      return Map.of("sum", spore.knowledge().get("a").asInt() + spore.knowledge().get("b").asInt());
    }
  }

  /** What one run of the command printed, and its exit code. */
  record Result(int exitCode, String out, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }
  }

  @BeforeEach
  void startAgents() {
    uri = "memory://cli-" + UUID.randomUUID();
    agents = AgentLauncher.start(new Settings(uri, "cli", null, null, Duration.ofSeconds(2),
        List.of(Settings.Agent.of(Adder.class.getName()))).over(Settings.DEFAULTS), getClass().getClassLoader());
  }

  @AfterEach
  void stopAgents() {
    agents.close();
  }

  private Result reef(Map<String, String> environment, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command = ReefCli.commandLine(environment);
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    int exitCode = command.execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }

  /** Runs against the agents' broker and namespace, given by the environment as an operator would. */
  private Result reef(String... args) {
    return reef(Map.of("REEF_AMQP_URI", uri, "REEF_NAMESPACE", "cli"), args);
  }

  private static void assertBadInput(Result result, String... expected) {
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
    assertThat(result.errLines()).as(result.toString()).hasSize(1);
    assertThat(result.errLines().get(0)).startsWith("reef").contains(expected).endsWith("--help')");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void sendWaitPrintsTheReplyAsJson() throws Exception {
    Result result = reef("send", "--to", "adder", "--wait", "--knowledge", "{\"type\":\"add\",\"a\":2,\"b\":3}");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    JsonNode reply = JSON.readTree(result.out());
    assertThat(reply.path("spore_type").asText()).isEqualTo("response");
    assertThat(reply.path("from_agent").asText()).isEqualTo("adder");
    assertThat(reply.path("to_agent").asText()).isEqualTo("cli");
    assertThat(reply.path("knowledge").path("sum").asInt()).isEqualTo(5);
  }

  @Test
  void aWholeSporeCanBeGivenAsJson() throws Exception {
    Result result = reef("send", "--wait", "--spore",
        "{\"spore_type\":\"request\",\"from_agent\":\"ops\",\"to_agent\":\"adder\",\"knowledge\":{\"type\":\"add\",\"a\":1,\"b\":1},"
            + "\"priority\":9}");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    JsonNode reply = JSON.readTree(result.out());
    assertThat(reply.path("to_agent").asText()).isEqualTo("ops");
    assertThat(reply.path("knowledge").path("sum").asInt()).isEqualTo(2);
  }

  @Test
  void failuresOfTheSystemExitWithOneAndOneLine() {
    Result unknown = reef("send", "--to", "nobody", "--knowledge", "{\"a\":1}");
    Result failed = reef("send", "--to", "adder", "--wait", "--knowledge", "{\"type\":\"add\",\"a\":2}");

    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.errLines()).containsExactly(
        "reef send: send failed: no agent named 'nobody' has ever subscribed on channel 'main'");
    assertThat(failed.exitCode()).isEqualTo(1);
    assertThat(failed.errLines()).containsExactly(
        "reef send: agent 'adder' failed to answer: java.lang.IllegalArgumentException: b is missing");
  }

  /** Needs the AMQP backend on the class path (found by its scheme), not a broker: nothing listens on port 1. */
  @Test
  void anUnreachableBrokerExitsWithOneAndOneLineWithoutThePassword() {
    Result unreachable = reef(Map.of(), "send", "--uri", "amqp://reef:pa55word@127.0.0.1:1", "--to", "adder",
        "--knowledge", "{}");

    assertThat(unreachable.exitCode()).as(unreachable.toString()).isEqualTo(1);
    assertThat(unreachable.errLines()).hasSize(1);
    assertThat(unreachable.err()).contains("amqp://reef:***@127.0.0.1:1").doesNotContain("pa55word");
  }

  @Test
  void aSendWithoutWaitPrintsTheSporeSent() throws Exception {
    Result broadcast = reef("send", "--knowledge", "{\"news\":\"hi\"}", "--priority", "7", "--ttl", "1m");

    assertThat(broadcast.exitCode()).as(broadcast.toString()).isZero();
    JsonNode spore = JSON.readTree(broadcast.out());
    assertThat(spore.path("spore_type").asText()).isEqualTo("broadcast");
    assertThat(spore.path("priority").asInt()).isEqualTo(7);
    assertThat(spore.path("expires_at").asText()).isNotEmpty();
  }

  @Test
  void badFlagsAndBadJsonAreBadInput() {
    assertBadInput(reef(), "missing a command");
    assertBadInput(reef("send", "--bogus"), "Unknown option: '--bogus'");
    assertBadInput(reef("send", "--knowledge", "{\"a\":"), "--knowledge", "not valid JSON");
    assertBadInput(reef("send", "--knowledge", "[1]"), "expected a JSON object");
    assertBadInput(reef("send", "--to", "adder", "--type", "request", "--knowledge", "{}"), "add --wait");
    assertBadInput(reef("send", "--to", "adder", "--wait", "--type", "knowledge"), "--wait sends a request");
    assertBadInput(reef("send", "--to", "adder", "--spore", "{}"), "--spore gives the whole spore");
    assertBadInput(reef("send", "--spore", "{\"spore_type\":\"telegram\"}"), "spore_type");
    assertBadInput(reef("send", "--to", "adder", "--priority", "11"), "priority");
    assertBadInput(reef("send", "--to", "bad name!"), "to_agent");
    assertBadInput(reef("send", "--ttl", "soon"), "invalid duration 'soon'");
    assertBadInput(reef("tail", "bad.channel"), "invalid channel name");
    assertBadInput(reef("dlq"), "missing a command: list, replay or purge");
    assertBadInput(reef("dlq", "purge"), "add --yes");
    assertBadInput(reef("dlq", "replay"), "--all");
    assertBadInput(reef("run"), "no agents to run");
    assertBadInput(reef("run", "com.example.Missing"), "agent class com.example.Missing is not on the class path");
    assertBadInput(reef("run", "--http-port", "70000", Adder.class.getName()), "HTTP port must be 0..65535");
    assertBadInput(reef(Map.of("REEF_HTTP_PORT", "x"), "run", Adder.class.getName()), "REEF_HTTP_PORT");
    assertBadInput(reef("send", "--uri", "ftp://x", "--knowledge", "{}"), "backend URI ftp://x",
        "no Reef backend for URI scheme 'ftp'");
  }

  @Test
  void everyCommandAnswersHelpWithItsUsageAndExitCodeZero() {
    for (List<String> command : List.<List<String>>of(List.of(), List.of("run"), List.of("send"), List.of("tail"), List.of("agents"),
        List.of("dlq"), List.of("dlq", "list"), List.of("dlq", "replay"), List.of("dlq", "purge"))) {
      List<String> args = new java.util.ArrayList<>(command);
      args.add("--help");

      Result help = reef(args.toArray(String[]::new));

      assertThat(help.exitCode()).as(help.toString()).isZero();
      assertThat(help.out()).as(help.toString()).startsWith("Usage: reef" + (command.isEmpty() ? "" : " "
          + String.join(" ", command))).contains("-h, --help");
      assertThat(help.err()).isEmpty();
    }
  }

  @Test
  void tailPrintsEverySporeOfTheChannelAsAJsonLine() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine tail = ReefCli.commandLine(Map.of("REEF_AMQP_URI", uri, "REEF_NAMESPACE", "cli"));
    tail.setOut(new PrintWriter(out, true));
    tail.setErr(new PrintWriter(err, true));
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> tail.execute("tail", "main", "--count", "2"));
    await().atMost(Duration.ofSeconds(5)).until(() -> err.toString().contains("reef tail: following [main]"));

    Result request = reef("send", "--to", "adder", "--wait", "--knowledge", "{\"type\":\"add\",\"a\":1,\"b\":2}");
    Result broadcast = reef("send", "--knowledge", "{\"news\":\"hi\"}");

    assertThat(exit.get(5, TimeUnit.SECONDS)).isZero();
    List<JsonNode> lines = out.toString().lines().map(ReefCliTest::json).toList();
    assertThat(lines).extracting(line -> line.path("channel").asText()).containsExactly("main", "main");
    assertThat(lines.get(0).path("id").asText()).isEqualTo(json(request.out()).path("reply_to").asText());
    assertThat(lines.get(1).path("id").asText()).isEqualTo(json(broadcast.out()).path("id").asText());
  }

  @Test
  void agentsListsWhoRunsAndTheDeadLettersCanBeListedAndPurged() throws Exception {
    Result agentsJson = reef("agents", "--json");
    Result table = reef("agents");
    Result otherChannel = reef("agents", "--json", "--channel", "other");
    reef("send", "--to", "adder", "--wait", "--knowledge", "{\"type\":\"add\",\"a\":2}"); // fails: dead-lettered
    Result deadLetters = reef("dlq", "list", "--json");
    Result purged = reef("dlq", "purge", "--yes");
    Result none = reef("dlq", "list");

    assertThat(agentsJson.exitCode()).isZero();
    JsonNode row = json(agentsJson.out()).path("agents").get(0);
    assertThat(row.path("agent").asText()).isEqualTo("adder");
    assertThat(row.path("channels").toString()).isEqualTo("[\"main\"]");
    assertThat(row.path("instances").asInt()).isEqualTo(1);
    assertThat(row.path("state").asText()).isEqualTo("online");
    assertThat(table.out()).startsWith("AGENT").contains("adder").contains("online");
    assertThat(json(otherChannel.out()).path("agents").size()).isZero();
    assertThat(deadLetters.exitCode()).isZero();
    JsonNode letter = json(deadLetters.out());
    assertThat(letter.path("agent").asText()).isEqualTo("adder");
    assertThat(letter.path("error").asText()).contains("b is missing");
    assertThat(letter.path("spore").path("knowledge").path("a").asInt()).isEqualTo(2);
    assertThat(purged.out()).isEqualTo("purged 1 dead letter(s)" + System.lineSeparator());
    assertThat(none.out()).contains("(no dead letters)");
  }

  @Test
  void deadLettersCanBeReplayed() throws Exception {
    reef("send", "--to", "adder", "--wait", "--knowledge", "{\"type\":\"add\",\"a\":2}");
    String id = json(reef("dlq", "list", "--json").out()).path("id").asText();

    Result replayed = reef("dlq", "replay", id);
    Result unknown = reef("dlq", "replay", "no-such-id");

    assertThat(replayed.exitCode()).as(replayed.toString()).isZero();
    assertThat(replayed.out()).isEqualTo("replayed " + id + System.lineSeparator());
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.errLines()).hasSize(1);
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }
}
