package dev.reef.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.AgentInfo;
import dev.reef.AgentState;
import dev.reef.spore.Timestamps;
import java.time.Instant;
import java.util.List;
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
    return new Entry(agent, id, channel, Set.of(capabilities), host, 42, "reef-1", T0, T0.plusSeconds(secondsSeen),
        state, false);
  }

  @Test
  void instancesOfAnAgentOnAHostInTheSameStateShareALine() {
    List<AgentRow> rows = AgentRow.fromDirectory(List.of(
        instance("worker", "w1-main", "main", "host-a", 5, AgentState.ONLINE),
        instance("worker", "w1-jobs", "jobs", "host-a", 5, AgentState.ONLINE, "crunch"),
        instance("worker", "w2-main", "main", "host-a", 7, AgentState.ONLINE),
        instance("worker", "w3-main", "main", "host-a", 1, AgentState.SILENT),
        instance("worker", "w4-main", "main", "host-b", 6, AgentState.ONLINE),
        instance("worker", "w5-main", "main", "host-b", 2, AgentState.LEFT),
        instance("calculator", "c1", "main", "host-a", 6, AgentState.ONLINE, "arithmetic")));

    assertThat(rows).containsExactly(
        new AgentRow("calculator", "host-a", AgentState.ONLINE, 1, Set.of("c1"), Set.of("main"), Set.of("arithmetic"),
            T0.plusSeconds(6)),
        new AgentRow("worker", "host-a", AgentState.ONLINE, 2, Set.of("w1-main", "w1-jobs", "w2-main"),
            Set.of("jobs", "main"), Set.of("crunch"), T0.plusSeconds(7)),
        new AgentRow("worker", "host-a", AgentState.SILENT, 1, Set.of("w3-main"), Set.of("main"), Set.of(),
            T0.plusSeconds(1)),
        new AgentRow("worker", "host-b", AgentState.ONLINE, 1, Set.of("w4-main"), Set.of("main"), Set.of(),
            T0.plusSeconds(6)),
        new AgentRow("worker", "host-b", AgentState.LEFT, 1, Set.of("w5-main"), Set.of("main"), Set.of(),
            T0.plusSeconds(2)));
  }

  @Test
  void theTableHasAColumnPerFieldAndMarksSilentAgents() {
    List<AgentRow> rows = AgentRow.fromDirectory(List.of(
        instance("worker", "w1", "main", "host-a", 5, AgentState.ONLINE),
        instance("worker", "w2", "main", "host-a", 1, AgentState.SILENT),
        instance("worker", "w3", "main", "host-a", 3, AgentState.LEFT)));

    String table = AgentsCommand.table(rows, T0.plusSeconds(6));

    assertThat(table.lines().toList()).containsExactly(
        "AGENT   INSTANCES  HOST    CHANNELS  CAPABILITIES  LAST HEARTBEAT  STATUS",
        "worker  1          host-a  main      -             1.0s ago        online",
        "worker  1          host-a  main      -             5.0s ago        SILENT",
        "worker  1          host-a  main      -             3.0s ago        left");
    assertThat(AgentsCommand.table(List.of(), T0)).contains("(no agents)");
  }

  @Test
  void theJsonOfARowKeepsTheOnlineFlagAndSaysTheState() {
    AgentRow silent = AgentRow.fromDirectory(List.of(instance("worker", "w2", "main", "host-a", 1, AgentState.SILENT)))
        .get(0);

    assertThat(silent.toJson().path("online").asBoolean()).isFalse();
    assertThat(silent.toJson().path("state").asText()).isEqualTo("silent");
    assertThat(silent.toJson().path("instances").asInt()).isEqualTo(1);
    assertThat(Timestamps.parse(silent.toJson().path("last_heartbeat").asText())).isEqualTo(T0.plusSeconds(1));
  }
}
