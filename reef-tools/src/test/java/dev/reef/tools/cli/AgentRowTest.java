package dev.reef.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.AgentInfo;
import dev.reef.AgentState;
import dev.reef.spore.Timestamps;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How the directory's entries (one per instance and channel) become the lines of {@code reef agents}. */
class AgentRowTest {
  private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");

  /** An entry as a directory lists it. */
  private record Entry(String agentName, String instanceId, String channel, Set<String> capabilities, String host,
      long pid, String reefId, Instant startedAt, Instant lastHeartbeat, AgentState state, boolean isLocal)
      implements AgentInfo {}

  private static AgentInfo instance(String agent, String id, String channel, String host, int secondsSeen,
      AgentState state, String... capabilities) {
    return instance(agent, id, channel, host, 42, "reef-" + host, secondsSeen, state, capabilities);
  }

  private static AgentInfo instance(String agent, String id, String channel, String host, long pid, String reefId,
      int secondsSeen, AgentState state, String... capabilities) {
    return new Entry(agent, id, channel, Set.of(capabilities), host, pid, reefId, T0, T0.plusSeconds(secondsSeen),
        state, false);
  }

  @Test
  void eachProcessOfAnAgentHasItsOwnLineWithItsPidAndTheAgentsBacklog() {
    List<AgentRow> rows = AgentRow.fromDirectory(List.of(
        instance("worker", "w1-main", "main", "host-a", 101, "reef-1", 5, AgentState.ONLINE),
        instance("worker", "w1-jobs", "jobs", "host-a", 101, "reef-1", 5, AgentState.ONLINE, "crunch"),
        instance("worker", "w2-main", "main", "host-a", 101, "reef-1", 7, AgentState.ONLINE),
        instance("worker", "w3-main", "main", "host-a", 102, "reef-2", 1, AgentState.SILENT),
        instance("worker", "w4-main", "main", "host-b", 201, "reef-3", 6, AgentState.ONLINE),
        instance("calculator", "c1", "main", "host-a", 101, "reef-1", 6, AgentState.ONLINE, "arithmetic")),
        Map.of("worker", 12L));

    assertThat(rows).containsExactly(
        new AgentRow("calculator", "host-a", 101, "reef-1", AgentState.ONLINE, 1, Set.of("c1"), Set.of("main"),
            Set.of("arithmetic"), T0.plusSeconds(6), null),
        new AgentRow("worker", "host-a", 101, "reef-1", AgentState.ONLINE, 2, Set.of("w1-main", "w1-jobs", "w2-main"),
            Set.of("jobs", "main"), Set.of("crunch"), T0.plusSeconds(7), 12L),
        new AgentRow("worker", "host-a", 102, "reef-2", AgentState.SILENT, 1, Set.of("w3-main"), Set.of("main"),
            Set.of(), T0.plusSeconds(1), 12L),
        new AgentRow("worker", "host-b", 201, "reef-3", AgentState.ONLINE, 1, Set.of("w4-main"), Set.of("main"),
            Set.of(), T0.plusSeconds(6), 12L));
  }

  @Test
  void aProcessWithOneSilentInstanceIsShownSilent() {
    List<AgentRow> rows = AgentRow.fromDirectory(List.of(
        instance("worker", "w1", "main", "host-a", 101, "reef-1", 5, AgentState.ONLINE),
        instance("worker", "w2", "main", "host-a", 101, "reef-1", 5, AgentState.SILENT)), Map.of());

    assertThat(rows).singleElement().satisfies(row -> {
      assertThat(row.state()).isEqualTo(AgentState.SILENT);
      assertThat(row.instances()).isEqualTo(2);
    });
  }

  @Test
  void theTableHasAColumnPerFieldAndMarksSilentAgents() {
    List<AgentRow> rows = AgentRow.fromDirectory(List.of(
        instance("worker", "w1", "main", "host-a", 101, "reef-1", 5, AgentState.ONLINE),
        instance("worker", "w2", "main", "host-a", 102, "reef-2", 1, AgentState.SILENT)), Map.of("worker", 3L));

    String table = AgentsCommand.table(rows, T0.plusSeconds(6), "ns");

    assertThat(table.lines().toList()).containsExactly(
        "AGENT   HOST    PID  INSTANCES  STATE   LAST HEARTBEAT  BACKLOG  CHANNELS  CAPABILITIES",
        "worker  host-a  101  1          online  1.0s ago        3        main      -",
        "worker  host-a  102  1          SILENT  5.0s ago        3        main      -");
    assertThat(AgentsCommand.table(List.of(), T0, "nonexistent")).contains("(no agents running in namespace 'nonexistent')");
  }

  @Test
  void theJsonOfARowKeepsTheOnlineFlagAndSaysTheState() {
    AgentRow silent = AgentRow.fromDirectory(List.of(instance("worker", "w2", "main", "host-a", 1, AgentState.SILENT)),
        Map.of()).get(0);

    assertThat(silent.toJson().path("online").asBoolean()).isFalse();
    assertThat(silent.toJson().path("state").asText()).isEqualTo("silent");
    assertThat(silent.toJson().path("instances").asInt()).isEqualTo(1);
    assertThat(silent.toJson().path("pid").asLong()).isEqualTo(42);
    assertThat(silent.toJson().path("backlog").isNull()).isTrue();
    assertThat(Timestamps.parse(silent.toJson().path("last_heartbeat").asText())).isEqualTo(T0.plusSeconds(1));
  }
}
