package dev.reef.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.spore.Spore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code reef history}, {@code reef trace} and {@code reef tail --since} in this JVM, against a Reef on
 * a shared in-memory broker: what they print, and their exit codes.
 */
class HistoryCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private String uri;
  private Reef reef;
  private Channel main;

  private record Result(int exitCode, String out, String err) {
    List<String> lines() {
      return out.lines().toList();
    }
  }

  @BeforeEach
  void startAgents() {
    uri = "memory://history-cli-" + UUID.randomUUID();
    reef = Reef.builder().uri(uri).namespace("cli").build();
    main = reef.channel("main");
    main.subscribe("calculator", (spore, context) -> Map.of("sum", 5));
    main.subscribe("planner", (spore, context) -> context.request("calculator", Map.of("a", 2), Duration.ofSeconds(5)));
  }

  @AfterEach
  void stopAgents() {
    reef.close();
  }

  private Result reef(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command = ReefCli.forArguments(Map.of("REEF_AMQP_URI", uri, "REEF_NAMESPACE", "cli"), args);
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    return new Result(command.execute(args), out.toString(), err.toString());
  }

  @Test
  void historyKeepsReadsFiltersAndTracesAChain() throws Exception {
    Result keep = reef("history", "main", "--keep", "1h");
    assertThat(keep.exitCode()).as(keep.toString()).isZero();
    assertThat(keep.err()).contains("keeps its history for");
    main.send("client", "planner", Map.of("go", 1)).join();
    List<JsonNode> entries = new ArrayList<>();
    for (int attempt = 0; attempt < 100 && entries.size() < 3; attempt++) {
      entries.clear();
      for (String line : reef("history", "main", "--json").lines()) {
        entries.add(JSON.readTree(line));
      }
      Thread.sleep(50);
    }
    assertThat(entries).extracting(entry -> entry.path("from_agent").asText() + "->" + entry.path("to_agent").asText())
        .containsExactly("client->planner", "planner->calculator", "calculator->planner");
    assertThat(entries.get(0).path("offset").asLong()).isZero();
    assertThat(entries.get(0).path("channel").asText()).isEqualTo("main");

    Result byType = reef("history", "main", "--type", "response");
    assertThat(byType.lines()).hasSize(1);
    assertThat(byType.lines().get(0)).contains("response  calculator -> planner");
    Result limited = reef("history", "main", "--since", "1h", "--limit", "1");
    assertThat(limited.lines()).hasSize(1);
    assertThat(limited.err()).contains("go on with --from-offset 1");

    String reply = entries.get(2).path("id").asText();
    Result trace = reef("trace", reply);
    assertThat(trace.exitCode()).as(trace.toString()).isZero();
    assertThat(trace.lines()).hasSize(3);
    assertThat(trace.lines().get(0)).startsWith("knowledge  client -> planner");
    assertThat(trace.lines().get(1)).startsWith("└─ request  planner -> calculator");
    assertThat(trace.lines().get(2)).startsWith("   └─ * response  calculator -> planner  " + reply);
    assertThat(trace.err()).contains("3 spore(s) in the chain");
  }

  @Test
  void followAndTailSinceGoOnFromTheHistoryToLiveSpores() throws Exception {
    assertThat(reef("history", "main", "--keep", "1h").exitCode()).isZero();
    main.send("client", "calculator", Map.of("n", 0)).join();
    CompletableFuture<Result> follow = CompletableFuture.supplyAsync(
        () -> reef("history", "main", "--follow", "--agent", "calculator", "--type", "knowledge", "--limit", "3",
            "--for", "20s"));
    CompletableFuture<Result> tail = CompletableFuture.supplyAsync(
        () -> reef("tail", "main", "--since", "1h", "--count", "3", "--for", "20s", "--json"));
    Thread.sleep(500);
    main.send("client", "calculator", Map.of("n", 1)).join();
    main.send("client", "calculator", Map.of("n", 2)).join();

    Result followed = follow.get();
    assertThat(followed.lines()).as(followed.toString()).hasSize(3);
    assertThat(followed.lines().get(2)).contains("{\"n\":2}");
    Result tailed = tail.get();
    assertThat(tailed.lines()).as(tailed.toString()).hasSize(3);
    assertThat(JSON.readTree(tailed.lines().get(0)).path("knowledge").path("n").asInt()).isZero();
  }

  @Test
  void aChannelWithoutHistoryAndTwoStartsAreRefusedPlainly() {
    Result none = reef("history", "main");
    assertThat(none.exitCode()).isEqualTo(1);
    assertThat(none.err()).contains("keeps no history");
    Result tail = reef("tail", "main", "--since", "5m");
    assertThat(tail.exitCode()).isEqualTo(2);
    assertThat(tail.err()).contains("keeps no history");
    Result both = reef("history", "main", "--since", "5m", "--from-offset", "3");
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("give one");
    Result trace = reef("trace", Spore.builder(dev.reef.spore.SporeType.KNOWLEDGE).from("a").to("b").build().id());
    assertThat(trace.exitCode()).isEqualTo(1);
  }
}
