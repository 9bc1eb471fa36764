package dev.reef.examples.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 with real processes on the broker: {@code send --wait} pretty and {@code --json}, one
 * {@code agents} row per process with its pid, the README's dead-letter walkthrough as written, a
 * read-only command in a namespace nobody uses leaving nothing behind, and {@code namespace delete}.
 */
class OperatorCommandsProcessIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration START = Duration.ofSeconds(30);
  private static final String CALCULATOR = "dev.reef.examples.distributed.Calculator";

  private static String namespace;
  private static Map<String, String> environment;
  private static ReefProcess calculatorA;
  private static ReefProcess calculatorB;
  private final List<ReefProcess> processes = new ArrayList<>();

  @BeforeAll
  static void startTwoCalculatorJvms() {
    namespace = ProcessBroker.newNamespace();
    environment = Map.of("REEF_AMQP_URI", ProcessBroker.uri(), "REEF_NAMESPACE", namespace);
    calculatorA = ReefProcess.start("calculator JVM A", environment, "run", CALCULATOR);
    calculatorB = ReefProcess.start("calculator JVM B", environment, "run", CALCULATOR);
    calculatorA.awaitStderr(line -> line.startsWith("reef run: ready"), START);
    calculatorB.awaitStderr(line -> line.startsWith("reef run: ready"), START);
  }

  @AfterAll
  static void stopAndDelete() {
    calculatorA.close();
    calculatorB.close();
    ReefProcess delete = ReefProcess.run(environment, START, "namespace", "delete", namespace, "--yes");
    assertThat(delete.exitCode()).as(delete.describe()).isZero();
    assertThat(BrokerObjects.ofNamespace(namespace)).as("nothing of the namespace left").isEmpty();
  }

  @AfterEach
  void killProcesses() {
    processes.forEach(ReefProcess::close);
  }

  private ReefProcess run(String... args) {
    ReefProcess process = ReefProcess.run(environment, START, args);
    processes.add(process);
    return process;
  }

  @Test
  void sendWaitPrintsTheKnowledgePrettyOrTheSporeAsJson() throws Exception {
    ReefProcess pretty = run("send", "--to", "calculator", "--wait", "--knowledge", "{\"type\":\"add\",\"a\":2,\"b\":3}");
    ReefProcess json = run("send", "--to", "calculator", "--wait", "--json", "--knowledge",
        "{\"type\":\"add\",\"a\":2,\"b\":3}");

    assertThat(pretty.exitCode()).as(pretty.describe()).isZero();
    assertThat(pretty.stdout()).as(pretty.describe()).containsExactly("{", "  \"type\" : \"result\",",
        "  \"operation\" : \"add\",", "  \"result\" : 5", "}");
    assertThat(pretty.stderr()).singleElement().asString()
        .matches("reef send: reply from 'calculator' in \\d+ ms \\(request [0-9a-f-]{36}, reply [0-9a-f-]{36}\\)");
    assertThat(json.exitCode()).as(json.describe()).isZero();
    assertThat(json.stdout()).hasSize(1);
    JsonNode reply = JSON.readTree(json.stdout().get(0));
    assertThat(reply.path("spore_type").asText()).isEqualTo("response");
    assertThat(reply.path("knowledge").path("result").asInt()).isEqualTo(5);
  }

  @Test
  void agentsHasOneRowPerProcessWithItsPid() throws Exception {
    ReefProcess table = run("agents");
    ReefProcess json = run("agents", "--json");

    assertThat(json.exitCode()).as(json.describe()).isZero();
    JsonNode listing = JSON.readTree(json.stdout().get(0));
    assertThat(listing.path("namespace").asText()).isEqualTo(namespace);
    List<Long> pids = new ArrayList<>();
    for (JsonNode row : listing.path("agents")) {
      assertThat(row.path("agent").asText()).isEqualTo("calculator");
      assertThat(row.path("instances").asInt()).isEqualTo(1);
      assertThat(row.path("state").asText()).isEqualTo("online");
      assertThat(row.path("backlog").isNumber()).as(row.toString()).isTrue();
      pids.add(row.path("pid").asLong());
    }
    assertThat(pids).containsExactlyInAnyOrder(calculatorA.pid(), calculatorB.pid());
    assertThat(table.stdout().get(0)).startsWith("AGENT").contains("HOST", "PID", "INSTANCES", "STATE", "BACKLOG");
    assertThat(table.stdout()).anySatisfy(line -> assertThat(line).contains(" " + calculatorA.pid() + " "))
        .anySatisfy(line -> assertThat(line).contains(" " + calculatorB.pid() + " "));
  }

  /** The README's dead-letter walkthrough, command by command. */
  @Test
  void theReadmesDeadLetterWalkthroughWorksAsWritten() throws Exception {
    ReefProcess failed = run("send", "--to", "calculator", "--wait", "--knowledge", "{\"type\":\"divide\",\"a\":1,\"b\":0}");
    assertThat(failed.exitCode()).as(failed.describe()).isEqualTo(1);
    assertThat(failed.stderr()).singleElement().asString().contains("agent 'calculator' failed to answer",
        "division by zero");

    ReefProcess list = run("dlq", "list");
    assertThat(list.exitCode()).as(list.describe()).isZero();
    assertThat(list.stdout()).hasSize(2);
    String id = list.stdout().get(1).split("\\s+")[0];
    assertThat(list.stdout().get(1)).contains("request", "calculator", "main", "division by zero");
    String requestId = JSON.readTree(run("dlq", "list", "--json").stdout().get(0)).path("spore").path("id").asText();
    assertThat(id).as("a dead letter's id is its spore's").isEqualTo(requestId);

    ReefProcess show = run("dlq", "show", id);
    assertThat(show.exitCode()).as(show.describe()).isZero();
    assertThat(String.join("\n", show.stdout())).contains("dead letter:   " + id, "agent:         calculator",
        "java.lang.ArithmeticException: division by zero", "\"spore_type\" : \"request\"", "\"type\" : \"divide\"");

    ReefProcess replay = run("dlq", "replay", id);
    assertThat(replay.exitCode()).as(replay.describe()).isEqualTo(1);
    assertThat(replay.stdout()).containsExactly(
        "replaying " + id + ": send the request from 'cli' back to 'calculator' on channel 'main', as a first attempt",
        "refused " + id + ": it is a request from 'cli', which no longer listens for its reply; ask again instead");

    ReefProcess all = run("dlq", "replay", "--all");
    assertThat(all.exitCode()).as(all.describe()).isEqualTo(1);
    assertThat(all.stdout()).contains("refused " + id
        + ": it is a request from 'cli', which no longer listens for its reply; ask again instead", "replayed 0, refused 1");

    ReefProcess purge = run("dlq", "purge", "--yes");
    assertThat(purge.stdout()).containsExactly("purged 1 dead letter(s) of namespace '" + namespace + "'");
    assertThat(run("dlq", "list").stdout()).contains("(no dead letters in namespace '" + namespace + "')");
  }

  @Test
  void aReadOnlyCommandInAnUnusedNamespaceLeavesNothingBehind() {
    String unused = ProcessBroker.newNamespace();
    assertThat(BrokerObjects.ofNamespace(unused)).isEmpty();

    Map<String, String> onBroker = Map.of("REEF_AMQP_URI", ProcessBroker.uri());
    ReefProcess agents = ReefProcess.run(onBroker, START, "agents", "-n", unused);
    processes.add(agents);
    java.util.Set<String> after = BrokerObjects.ofNamespace(unused);
    if (!after.isEmpty()) { // whatever the verdict, leave nothing on the shared broker
      processes.add(ReefProcess.run(onBroker, START, "namespace", "delete", unused, "--yes"));
    }

    assertThat(agents.exitCode()).as(agents.describe()).isZero();
    assertThat(agents.stdout()).contains("(no agents running in namespace '" + unused + "')");
    assertThat(after).as("objects of namespace %s after reef agents", unused).isEmpty();
  }

  @Test
  void aTypoNamesTheNamespaceAndSuggestsTheCloseName() {
    ReefProcess typo = run("send", "--to", "calculatr", "--knowledge", "{}");

    assertThat(typo.exitCode()).as(typo.describe()).isEqualTo(1);
    assertThat(typo.stderr()).singleElement().asString().isEqualTo("reef send: send failed: no agent named 'calculatr' "
        + "has ever subscribed on channel 'main' in namespace '" + namespace + "' (did you mean 'calculator'?)");
  }
}
