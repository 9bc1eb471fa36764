package dev.reef.examples.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance 1 and 7 of the operator tooling, with real processes: agent JVMs started with {@code
 * bin/reef run}, poked with {@code send}, {@code agents} and {@code tail}; bad input refused with one
 * line and exit code 2.
 */
class CliProcessIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration START = Duration.ofSeconds(30);
  private static final String CALCULATOR = "dev.reef.examples.distributed.Calculator";
  private static final String WORKER = "dev.reef.examples.distributed.Worker";

  private static String namespace;
  private static Map<String, String> environment;
  private final List<ReefProcess> processes = new ArrayList<>();

  @BeforeAll
  static void chooseNamespace() {
    namespace = ProcessBroker.newNamespace();
    environment = Map.of("REEF_AMQP_URI", ProcessBroker.uri(), "REEF_NAMESPACE", namespace);
  }

  @AfterEach
  void killProcesses() {
    processes.forEach(ReefProcess::close);
  }

  @AfterAll
  static void deleteTopology() {
    ProcessBroker.deleteTopology(namespace, List.of("main"), List.of("calculator", "worker"));
  }

  private ReefProcess start(String name, String... args) {
    ReefProcess process = ReefProcess.start(name, environment, args);
    processes.add(process);
    return process;
  }

  private ReefProcess run(String... args) {
    ReefProcess process = ReefProcess.start("reef " + String.join(" ", args), environment, args);
    processes.add(process);
    process.awaitExit(START);
    return process;
  }

  @Test
  void twoAgentJvmsAnswerAreListedAndTheirTrafficIsTailed() throws IOException {
    ReefProcess calculatorJvm = start("calculator JVM", "run", CALCULATOR);
    ReefProcess workerJvm = start("worker JVM", "run", WORKER + "=2");
    calculatorJvm.awaitStderr(line -> line.startsWith("reef run: ready: calculator x1"), START);
    workerJvm.awaitStderr(line -> line.startsWith("reef run: ready: worker x2"), START);
    ReefProcess tail = start("tail", "tail", "main", "--count", "2", "--json");
    tail.awaitStderr(line -> line.startsWith("reef tail: following [main]"), START);

    ReefProcess send = run("send", "--to", "calculator", "--wait", "--json", "--knowledge",
        "{\"type\":\"add\",\"a\":2,\"b\":3}");
    ReefProcess broadcast = run("send", "--json", "--knowledge", "{\"type\":\"news\",\"text\":\"hello\"}");
    ReefProcess agents = run("agents", "--json");

    assertThat(send.exitCode()).as(send.describe()).isZero();
    assertThat(send.stdout()).as(send.describe()).hasSize(1);
    JsonNode reply = JSON.readTree(send.stdout().get(0));
    assertThat(reply.path("spore_type").asText()).isEqualTo("response");
    assertThat(reply.path("from_agent").asText()).isEqualTo("calculator");
    assertThat(reply.path("knowledge").path("result").asInt()).isEqualTo(5);
    String requestId = reply.path("reply_to").asText();
    assertThat(broadcast.exitCode()).as(broadcast.describe()).isZero();
    String broadcastId = JSON.readTree(broadcast.stdout().get(0)).path("id").asText();

    assertThat(agents.exitCode()).as(agents.describe()).isZero();
    JsonNode listing = JSON.readTree(agents.stdout().get(0));
    Set<String> online = new TreeSet<>();
    for (JsonNode row : listing.path("agents")) {
      assertThat(row.path("online").asBoolean()).as(row.toString()).isTrue();
      online.add(row.path("agent").asText() + " x" + row.path("instances").asInt());
      assertThat(row.path("channels").toString()).isEqualTo("[\"main\"]");
      assertThat(row.path("last_heartbeat").asText()).isNotEmpty();
    }
    assertThat(online).containsExactly("calculator x1", "worker x2");
    assertThat(listing.path("agents")).extracting(row -> row.path("pid").asLong())
        .containsExactlyInAnyOrder(calculatorJvm.pid(), workerJvm.pid());

    assertThat(tail.awaitExit(START)).as(tail.describe()).isZero();
    List<JsonNode> tailed = new ArrayList<>();
    for (String line : tail.stdout()) {
      tailed.add(JSON.readTree(line));
    }
    assertThat(tailed).extracting(node -> node.path("id").asText()).containsExactly(requestId, broadcastId);
    assertThat(tailed.get(0).path("channel").asText()).isEqualTo("main");
    assertThat(tailed.get(0).path("to_agent").asText()).isEqualTo("calculator");
    assertThat(tailed.get(0).path("knowledge").path("type").asText()).isEqualTo("add");
    assertThat(tailed.get(1).path("spore_type").asText()).isEqualTo("broadcast");
  }

  @Test
  void badFlagsAndBadJsonAreRefusedWithOneLineAndExitCode2(@TempDir Path dir) throws IOException {
    Path badConfig = Files.writeString(dir.resolve("bad.json"), "{\"uri\": \"amqp://localhost\", \"agents\": [");
    List<ReefProcess> refused = List.of(
        run("send", "--bogus"),
        run("send", "--to", "calculator", "--knowledge", "{\"a\": 1"),
        run("send", "--spore", "[1, 2]"),
        run("run", "--config", badConfig.toString(), CALCULATOR),
        run("run", "--http-port", "eighty", CALCULATOR),
        run("agents", "--interval", "soon"));

    for (ReefProcess process : refused) {
      assertThat(process.exitCode()).as(process.describe()).isEqualTo(2);
      assertThat(process.stderr()).as(process.describe()).hasSize(1);
      assertThat(process.stderr().get(0)).as(process.describe()).startsWith("reef ").contains("--help");
      assertThat(process.stdout()).as(process.describe()).isEmpty();
    }
    assertThat(refused.get(1).stderr().get(0)).contains("--knowledge", "not valid JSON");
    assertThat(refused.get(3).stderr().get(0)).contains("bad.json", "not valid JSON");
  }

  @Test
  void aBrokerFailureIsOneLineWithExitCode1AndNeverShowsThePassword() {
    ReefProcess send = ReefProcess.run(Map.of("REEF_NAMESPACE", namespace), START,
        "send", "--uri", "amqp://guest:s3cret-Pa55@127.0.0.1:1", "--to", "calculator", "--knowledge", "{}");
    processes.add(send);

    assertThat(send.exitCode()).as(send.describe()).isEqualTo(1);
    assertThat(send.stderr()).as(send.describe()).hasSize(1);
    assertThat(send.stderr().get(0)).contains("amqp://guest:***@127.0.0.1:1").doesNotContain("s3cret");
  }
}
