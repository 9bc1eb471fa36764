package dev.reef.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reef.agent.AgentDefinition;
import dev.reef.agent.OnSpore;

import dev.reef.tools.launch.AgentLauncher;
import dev.reef.tools.launch.HttpSettings;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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

  /** Jobs fail while this is set: an agent with a bug, fixed while its spores wait in the dead letters. */
  static final AtomicBoolean JOBS_BROKEN = new AtomicBoolean();
  /** The jobs done. */
  static final List<Integer> JOBS_DONE = new CopyOnWriteArrayList<>();

  /** An agent that answers, and fails on request; and does jobs, failing while jobs are broken. */
  @AgentDefinition(name = "adder", maxAttempts = 1)
  static final class Adder {
    @OnSpore(respondsTo = "add", types = SporeType.REQUEST)
    Map<String, Object> add(Spore spore) {
      if (!spore.knowledge().has("b")) {
        throw new IllegalArgumentException("b is missing");
      }
      return Map.of("sum", spore.knowledge().get("a").asInt() + spore.knowledge().get("b").asInt());
    }

    @OnSpore(respondsTo = "job")
    void job(Spore spore) {
      if (JOBS_BROKEN.get()) {
        throw new IllegalStateException("jobs are broken today");
      }
      JOBS_DONE.add(spore.knowledge().get("n").asInt());
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
    JOBS_BROKEN.set(false);
    JOBS_DONE.clear();
    uri = "memory://cli-" + UUID.randomUUID();
    agents = AgentLauncher.start(new Settings(uri, "cli", null, HttpSettings.NONE, Duration.ofSeconds(2),
        List.of(Settings.Agent.of(Adder.class.getName()))).over(Settings.DEFAULTS), getClass().getClassLoader());
  }

  @AfterEach
  void stopAgents() {
    agents.close();
  }

  private Result reef(Map<String, String> environment, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command = ReefCli.forArguments(environment, args);
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
  void sendWaitPrintsTheRepliesKnowledgePrettyAndASummary() {
    Result result = reef("send", "--to", "adder", "--wait", "--knowledge", "{\"type\":\"add\",\"a\":2,\"b\":3}");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("{" + System.lineSeparator() + "  \"sum\" : 5" + System.lineSeparator() + "}"
        + System.lineSeparator());
    assertThat(result.errLines()).singleElement().asString()
        .matches("reef send: reply from 'adder' in \\d+ ms \\(request [0-9a-f-]{36}, reply [0-9a-f-]{36}\\)");
  }

  @Test
  void sendWaitPrintsTheReplyAsJson() throws Exception {
    Result result = reef("send", "--to", "adder", "--wait", "--json", "--knowledge",
        "{\"type\":\"add\",\"a\":2,\"b\":3}");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    JsonNode reply = JSON.readTree(result.out());
    assertThat(reply.path("spore_type").asText()).isEqualTo("response");
    assertThat(reply.path("from_agent").asText()).isEqualTo("adder");
    assertThat(reply.path("to_agent").asText()).isEqualTo("cli");
    assertThat(reply.path("knowledge").path("sum").asInt()).isEqualTo(5);
  }

  @Test
  void aWholeSporeCanBeGivenAsJson() throws Exception {
    Result result = reef("send", "--wait", "--format", "json", "--spore",
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
        "reef send: send failed: no agent named 'nobody' has ever subscribed on channel 'main' in namespace 'cli'");
    assertThat(failed.exitCode()).isEqualTo(1);
    assertThat(failed.errLines()).containsExactly(
        "reef send: agent 'adder' failed to answer: java.lang.IllegalArgumentException: b is missing");
  }

  @Test
  void anUnknownAgentNamesTheNamespaceAndSuggestsCloseNames() {
    Result typo = reef("send", "--to", "addr", "--knowledge", "{\"a\":1}");
    Result otherChannel = reef("send", "--to", "adder", "--channel", "math", "--knowledge", "{\"a\":1}");

    assertThat(typo.exitCode()).isEqualTo(1);
    assertThat(typo.errLines()).containsExactly("reef send: send failed: no agent named 'addr' has ever subscribed on "
        + "channel 'main' in namespace 'cli' (did you mean 'adder'?)");
    assertThat(otherChannel.errLines()).singleElement().asString()
        .endsWith("in namespace 'cli' ('adder' runs on channel 'main': add --channel)");
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
    Result broadcast = reef("send", "--json", "--knowledge", "{\"news\":\"hi\"}", "--priority", "7", "--ttl", "1m");
    Result human = reef("send", "--to", "adder", "--knowledge", "{\"type\":\"job\",\"n\":1}");

    assertThat(human.exitCode()).as(human.toString()).isZero();
    assertThat(human.out()).matches("sent knowledge [0-9a-f-]{36} from 'cli' to 'adder' on channel 'main' of namespace "
        + "'cli'\\R");

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
    assertBadInput(reef("dlq"), "missing a command: list, show, replay or purge");
    assertBadInput(reef("dlq", "show", "no-such-id"), "no dead letter 'no-such-id' in namespace 'cli'");
    assertBadInput(reef("namespace", "delete", "cli"), "add --yes");
    assertBadInput(reef("send", "--format", "yaml", "--knowledge", "{}"), "--format");
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
    List<List<String>> commands = ReefCliTest.commands(ReefCli.commandLine(Map.of()), List.of());
    assertThat(commands).contains(List.of("send"), List.of("dlq", "show"), List.of("namespace", "delete"),
        List.of("completion"), List.of("help"));
    for (List<String> command : commands) {
      for (String flag : List.of("--help", "-h")) {
        List<String> args = new java.util.ArrayList<>(command);
        args.add(flag);

        Result help = reef(args.toArray(String[]::new));

        assertThat(help.exitCode()).as(help.toString()).isZero();
        assertThat(help.out()).as(help.toString()).contains("Usage: reef" + (command.isEmpty() ? "" : " "
            + String.join(" ", command))).contains("-h, --help");
        assertThat(help.err()).isEmpty();
      }
    }
    Result helpSend = reef("help", "send");
    assertThat(helpSend.exitCode()).isZero();
    assertThat(helpSend.out()).startsWith("Usage: reef send").contains("--wait", "--json");
  }

  /** Every command and subcommand, as the words that name it ({@code []} for reef itself). */
  static List<List<String>> commands(CommandLine command, List<String> path) {
    List<List<String>> all = new java.util.ArrayList<>();
    all.add(path);
    command.getSubcommands().forEach((name, sub) -> {
      if (sub.getCommandName().equals(name)) { // aliases once
        List<String> subPath = new java.util.ArrayList<>(path);
        subPath.add(name);
        all.addAll(commands(sub, subPath));
      }
    });
    return all;
  }

  @Test
  void tailPrintsEverySporeOfTheChannelAsAJsonLine() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine tail = ReefCli.commandLine(Map.of("REEF_AMQP_URI", uri, "REEF_NAMESPACE", "cli"));
    tail.setOut(new PrintWriter(out, true));
    tail.setErr(new PrintWriter(err, true));
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> tail.execute("tail", "main", "--count", "2",
        "--json"));
    await().atMost(Duration.ofSeconds(5)).until(() -> err.toString().contains("reef tail: following [main]"));

    Result request = reef("send", "--to", "adder", "--wait", "--json", "--knowledge",
        "{\"type\":\"add\",\"a\":1,\"b\":2}");
    Result broadcast = reef("send", "--json", "--knowledge", "{\"news\":\"hi\"}");

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
    assertThat(row.path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
    assertThat(row.path("backlog").asLong()).isZero();
    assertThat(json(agentsJson.out()).path("namespace").asText()).isEqualTo("cli");
    assertThat(row.path("channels").toString()).isEqualTo("[\"main\"]");
    assertThat(row.path("instances").asInt()).isEqualTo(1);
    assertThat(row.path("state").asText()).isEqualTo("online");
    assertThat(table.out()).startsWith("AGENT").contains("adder").contains("online")
        .contains(" " + ProcessHandle.current().pid() + " ");
    assertThat(json(otherChannel.out()).path("agents").size()).isZero();
    assertThat(otherChannel.errLines()).containsExactly("reef agents: no agent runs on channel 'other' in namespace 'cli'");
    assertThat(reef("agents", "--channel", "mian").errLines()).containsExactly(
        "reef agents: no agent runs on channel 'mian' in namespace 'cli' (did you mean 'main'?)");
    assertThat(deadLetters.exitCode()).isZero();
    JsonNode letter = json(deadLetters.out());
    assertThat(letter.path("agent").asText()).isEqualTo("adder");
    assertThat(letter.path("error").asText()).contains("b is missing");
    assertThat(letter.path("spore").path("knowledge").path("a").asInt()).isEqualTo(2);
    assertThat(purged.out()).isEqualTo("purged 1 dead letter(s) of namespace 'cli'" + System.lineSeparator());
    assertThat(none.out()).contains("(no dead letters in namespace 'cli')");
  }

  @Test
  void aDeadLetterIsShownWithItsSporeAndErrorUnderItsSporesId() {
    Result sent = reef("send", "--json", "--to", "adder", "--knowledge", "{\"type\":\"job\",\"n\":1}");
    JOBS_BROKEN.set(true);
    String id = json(reef("send", "--json", "--to", "adder", "--knowledge", "{\"type\":\"job\",\"n\":2}").out())
        .path("id").asText();
    await().atMost(Duration.ofSeconds(5)).until(() -> reef("dlq", "list", "--json").out().contains(id));

    Result list = reef("dlq", "list");
    Result show = reef("dlq", "show", id);
    Result byPrefix = reef("dlq", "show", id.substring(0, 8), "--json");

    assertThat(sent.exitCode()).isZero();
    assertThat(list.out().lines().toList()).hasSize(2);
    assertThat(list.out().lines().skip(1).findFirst().orElseThrow()).startsWith(id).contains("knowledge", "adder",
        "main", "jobs are broken today");
    assertThat(show.exitCode()).as(show.toString()).isZero();
    assertThat(show.out()).contains("dead letter:   " + id, "agent:         adder", "attempts:      1",
        "java.lang.IllegalStateException: jobs are broken today", "\"id\" : \"" + id + "\"", "\"n\" : 2");
    assertThat(json(byPrefix.out()).path("spore").path("id").asText()).isEqualTo(id);
  }

  @Test
  void replaySaysWhatItDoesAndRefusesWhatCannotSucceed() throws Exception {
    reef("send", "--to", "adder", "--wait", "--knowledge", "{\"type\":\"add\",\"a\":2}"); // fails; its requester is gone
    String request = json(reef("dlq", "list", "--json").out()).path("id").asText();
    JOBS_BROKEN.set(true);
    String job = json(reef("send", "--json", "--to", "adder", "--knowledge", "{\"type\":\"job\",\"n\":7}").out())
        .path("id").asText();
    String expiring = json(reef("send", "--json", "--to", "adder", "--ttl", "300ms", "--knowledge",
        "{\"type\":\"job\",\"n\":8}").out()).path("id").asText();
    await().atMost(Duration.ofSeconds(5)).until(() -> reef("dlq", "list", "--json").out().lines().count() == 3);
    Thread.sleep(400); // the expiring job has expired in the dead letters
    JOBS_BROKEN.set(false); // the bug is fixed: the jobs can be replayed

    Result refused = reef("dlq", "replay", request);
    Result replayed = reef("dlq", "replay", job);
    Result all = reef("dlq", "replay", "--all");
    Result refreshed = reef("dlq", "replay", "--all", "--refresh-expiry");
    Result unknown = reef("dlq", "replay", "no-such-id");

    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.out().lines().toList()).containsExactly(
        "replaying " + request + ": send the request from 'cli' back to 'adder' on channel 'main', as a first attempt",
        "refused " + request + ": it is a request from 'cli', which no longer listens for its reply; ask again instead");
    assertThat(replayed.exitCode()).as(replayed.toString()).isZero();
    assertThat(replayed.out()).endsWith("replayed " + job + System.lineSeparator());
    assertThat(all.exitCode()).isEqualTo(1);
    assertThat(all.out()).contains("refused " + request + ": it is a request from 'cli'", "refused " + expiring
        + ": it expired at", "replayed 0, refused 2");
    assertThat(refreshed.out()).contains("replayed " + expiring, "refused " + request, "replayed 1, refused 1");
    await().atMost(Duration.ofSeconds(5)).until(() -> JOBS_DONE.containsAll(List.of(7, 8)));
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.errLines()).singleElement().asString().contains("no dead letter 'no-such-id' in namespace 'cli'");
  }

  @Test
  void completionPrintsABashScriptForEveryCommand() {
    Result completion = reef("completion");

    assertThat(completion.exitCode()).isZero();
    assertThat(completion.out()).contains("complete -F _complete_reef", "dlq", "namespace", "--refresh-expiry");
  }

  @Test
  void tailPrintsOneTextLinePerSporeByDefault() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine tail = ReefCli.commandLine(Map.of("REEF_AMQP_URI", uri, "REEF_NAMESPACE", "cli"));
    tail.setOut(new PrintWriter(out, true));
    tail.setErr(new PrintWriter(err, true));
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> tail.execute("tail", "--count", "1"));
    await().atMost(Duration.ofSeconds(5)).until(() -> err.toString().contains("reef tail: following [main]"));

    String id = json(reef("send", "--json", "--to", "adder", "--knowledge", "{\"type\":\"job\",\"n\":3}").out())
        .path("id").asText();

    assertThat(exit.get(5, TimeUnit.SECONDS)).isZero();
    assertThat(out.toString().lines().toList()).singleElement().asString()
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z  main       knowledge    cli -> adder  " + id
            + "  \\{\"type\":\"job\",\"n\":3\\}");
  }

  @Test
  void aNamespaceCanBeListedAndDeleted() {
    reef("send", "--to", "adder", "--wait", "--knowledge", "{\"type\":\"add\",\"a\":2}"); // a dead letter too

    Result before = reef("namespace", "objects");
    Result deleted = reef("namespace", "delete", "cli", "--yes");
    Result after = reef("namespace", "objects", "cli");

    assertThat(before.exitCode()).as(before.toString()).isZero();
    assertThat(before.out()).contains("adder");
    assertThat(deleted.out()).matches("deleted [1-9]\\d* broker object\\(s\\) of namespace 'cli'\\R");
    assertThat(after.out().lines().filter(line -> line.contains("adder"))).isEmpty();
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }
}
