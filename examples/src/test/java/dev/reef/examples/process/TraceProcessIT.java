package dev.reef.examples.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Channel history, acceptance 4 (SPEC §3.15, §3.16): a chain of four spores across three agent JVMs
 * (a spore sent by {@code reef send} to the router, the router's spore to the planner, the planner's
 * request to the calculator, the calculator's reply) is in the channel's history, and {@code reef
 * trace} shows it as a tree from any of its spores.
 */
class TraceProcessIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration START = Duration.ofSeconds(60);

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
  static void deleteTopology() throws Exception {
    ProcessBroker.deleteTopology(namespace, List.of("main"), List.of("router", "planner", "calculator"));
    try (Connection connection = ProcessBroker.connect(); Channel channel = connection.createChannel()) {
      channel.queueDelete(namespace + ".main.history");
    }
  }

  private ReefProcess start(String name, String... args) {
    ReefProcess process = ReefProcess.start(name, environment, args);
    processes.add(process);
    return process;
  }

  private ReefProcess run(String... args) {
    ReefProcess process = start("reef " + String.join(" ", args), args);
    process.awaitExit(START);
    return process;
  }

  @Test
  void reefTraceShowsAChainOfFourSporesAcrossThreeAgentJvmsAsATree() throws Exception {
    ReefProcess keep = run("history", "main", "--keep", "1h");
    assertThat(keep.exitCode()).as(keep.describe()).isZero();
    ReefProcess router = start("router JVM", "run", "dev.reef.examples.trace.Router");
    ReefProcess planner = start("planner JVM", "run", "dev.reef.examples.trace.Planner");
    ReefProcess calculator = start("calculator JVM", "run", "dev.reef.examples.distributed.Calculator");
    router.awaitStderr(line -> line.startsWith("reef run: ready: router x1"), START);
    planner.awaitStderr(line -> line.startsWith("reef run: ready: planner x1"), START);
    calculator.awaitStderr(line -> line.startsWith("reef run: ready: calculator x1"), START);

    ReefProcess send = run("send", "--json", "--to", "router", "--knowledge", "{\"type\":\"route\",\"a\":2,\"b\":3}");
    assertThat(send.exitCode()).as(send.describe()).isZero();
    String first = JSON.readTree(send.stdout().get(0)).path("id").asText();

    List<JsonNode> chain = Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
        .until(() -> history(), entries -> entries.size() >= 4);
    assertThat(chain).extracting(entry -> entry.path("from_agent").asText() + "->" + entry.path("to_agent").asText())
        .containsExactly("cli->router", "router->planner", "planner->calculator", "calculator->planner");
    assertThat(chain.get(0).path("id").asText()).isEqualTo(first);
    for (int i = 1; i < 4; i++) {
      assertThat(chain.get(i).path("caused_by").asText()).as("spore %d caused by the one before", i)
          .isEqualTo(chain.get(i - 1).path("id").asText());
    }
    String reply = chain.get(3).path("id").asText();

    ReefProcess trace = run("trace", reply);
    assertThat(trace.exitCode()).as(trace.describe()).isZero();
    List<String> tree = trace.stdout();
    System.out.println("reef trace " + reply + ":\n" + String.join("\n", tree));
    assertThat(tree).hasSize(4);
    assertThat(tree.get(0)).startsWith("knowledge  cli -> router  " + first);
    assertThat(tree.get(1)).startsWith("└─ knowledge  router -> planner  " + chain.get(1).path("id").asText());
    assertThat(tree.get(2)).startsWith("   └─ request  planner -> calculator  " + chain.get(2).path("id").asText());
    assertThat(tree.get(3)).startsWith("      └─ * response  calculator -> planner  " + reply);
    assertThat(trace.stderr()).anyMatch(line -> line.contains("4 spore(s) in the chain"));

    ReefProcess fromTheTop = run("trace", first, "--json");
    JsonNode root = JSON.readTree(String.join("", fromTheTop.stdout()));
    assertThat(root.path("effects").get(0).path("effects").get(0).path("effects").get(0).path("id").asText())
        .as("the same tree, asked from the first spore").isEqualTo(reply);
  }

  private List<JsonNode> history() throws Exception {
    ReefProcess read = run("history", "main", "--json");
    List<JsonNode> entries = new ArrayList<>();
    for (String line : read.stdout()) {
      entries.add(JSON.readTree(line));
    }
    return entries;
  }
}
