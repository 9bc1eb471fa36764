package dev.reef.examples.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Acceptance 3: {@code reef agents --watch} reports an agent JVM that stopped answering (SIGSTOP) as
 * silent within 3 heartbeat intervals, online again once it runs (SIGCONT), gone when it leaves, and
 * back, as a new instance, when it is restarted.
 */
class PresenceProcessIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration START = Duration.ofSeconds(30);
  private static final Duration HEARTBEAT = Duration.ofMillis(500);
  /** The watch lists every 100 ms, and a line takes a moment through the pipe to this test. */
  private static final Duration REPORTING_SLACK = Duration.ofMillis(300);
  private static final String CALCULATOR = "dev.reef.examples.distributed.Calculator";

  private String namespace;
  private Map<String, String> environment;
  private final List<ReefProcess> processes = new ArrayList<>();

  @BeforeEach
  void chooseNamespace() {
    namespace = ProcessBroker.newNamespace();
    environment = Map.of("REEF_AMQP_URI", ProcessBroker.uri(), "REEF_NAMESPACE", namespace,
        "REEF_PRESENCE_HEARTBEAT", HEARTBEAT.toMillis() + "ms");
  }

  @AfterEach
  void cleanUp() {
    processes.forEach(ReefProcess::close);
    ProcessBroker.deleteTopology(namespace, List.of("main"), List.of("calculator"));
  }

  private ReefProcess start(String name, String... args) {
    ReefProcess process = ReefProcess.start(name, environment, args);
    processes.add(process);
    return process;
  }

  @Test
  void aStoppedAgentIsReportedSilentWithinThreeHeartbeatsAndReappears() {
    ReefProcess agent = start("calculator JVM", "run", CALCULATOR);
    agent.awaitStderr(line -> line.startsWith("reef run: ready"), START);
    ReefProcess watch = start("agents --watch", "agents", "--watch", "--json", "--interval", "100ms");
    int onlineLine = awaitListing(watch, 0, online(true));
    JsonNode first = calculatorRow(watch.stdout().get(onlineLine)).orElseThrow();
    assertThat(first.path("instances").asInt()).isEqualTo(1);

    agent.signal("STOP");
    long stoppedAt = System.nanoTime();
    int silentLine = awaitListing(watch, onlineLine + 1, online(false));
    Duration silentAfter = Duration.ofNanos(System.nanoTime() - stoppedAt);
    // Its last heartbeat came at most one interval before the stop: it is due silent 2 to 3 intervals after.
    assertThat(silentAfter).isLessThanOrEqualTo(HEARTBEAT.multipliedBy(3).plus(REPORTING_SLACK))
        .isGreaterThanOrEqualTo(HEARTBEAT.multipliedBy(2).minus(REPORTING_SLACK));
    assertThat(calculatorRow(watch.stdout().get(silentLine)).orElseThrow().path("instance_ids"))
        .isEqualTo(first.path("instance_ids"));

    agent.signal("CONT");
    int resumedLine = awaitListing(watch, silentLine + 1, online(true));
    assertThat(calculatorRow(watch.stdout().get(resumedLine)).orElseThrow().path("instance_ids"))
        .isEqualTo(first.path("instance_ids"));

    agent.signal("TERM");
    assertThat(agent.awaitExit(START)).as(agent.describe()).isZero();
    int goneLine = awaitListing(watch, resumedLine + 1, listing -> calculatorRow(listing).isEmpty());

    ReefProcess restarted = start("restarted calculator JVM", "run", CALCULATOR);
    restarted.awaitStderr(line -> line.startsWith("reef run: ready"), START);
    int backLine = awaitListing(watch, goneLine + 1, online(true));
    assertThat(calculatorRow(watch.stdout().get(backLine)).orElseThrow().path("instance_ids"))
        .as("a new instance").isNotEqualTo(first.path("instance_ids"));
  }

  private static Predicate<String> online(boolean online) {
    return listing -> calculatorRow(listing).filter(row -> row.path("online").asBoolean() == online).isPresent();
  }

  private static Optional<JsonNode> calculatorRow(String listing) {
    try {
      for (JsonNode row : JSON.readTree(listing).path("agents")) {
        if (row.path("agent").asText().equals("calculator")) {
          return Optional.of(row);
        }
      }
      return Optional.empty();
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The index of the first listing at or after line {@code from} that matches {@code condition}. */
  private static int awaitListing(ReefProcess watch, int from, Predicate<String> condition) {
    long deadline = System.nanoTime() + START.toNanos();
    int next = from;
    while (System.nanoTime() < deadline) {
      List<String> lines = watch.stdout();
      for (; next < lines.size(); next++) {
        if (condition.test(lines.get(next))) {
          return next;
        }
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("no listing as expected from line " + from + " on: " + watch.describe());
  }
}
