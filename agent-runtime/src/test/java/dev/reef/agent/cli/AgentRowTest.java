package dev.reef.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.amqp.AgentPresence;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How presence announcements (one per instance and channel) become the lines of {@code reef agents}. */
class AgentRowTest {
  private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");

  private static AgentPresence instance(String agent, String id, String channel, String host, int secondsSeen,
      boolean online, String... capabilities) {
    return new AgentPresence(agent, id, channel, Set.of(capabilities), host, T0, T0.plusSeconds(secondsSeen), online);
  }

  @Test
  void instancesOfAnAgentOnAHostWithTheSameStatusShareALine() {
    List<AgentRow> rows = AgentRow.fromPresence(List.of(
        instance("worker", "w1", "main", "host-a", 5, true),
        instance("worker", "w1", "jobs", "host-a", 5, true, "crunch"),
        instance("worker", "w2", "main", "host-a", 7, true),
        instance("worker", "w3", "main", "host-a", 1, false),
        instance("worker", "w4", "main", "host-b", 6, true),
        instance("calculator", "c1", "main", "host-a", 6, true, "arithmetic")));

    assertThat(rows).containsExactly(
        new AgentRow("calculator", "host-a", true, Set.of("c1"), Set.of("main"), Set.of("arithmetic"), T0.plusSeconds(6)),
        new AgentRow("worker", "host-a", true, Set.of("w1", "w2"), Set.of("jobs", "main"), Set.of("crunch"),
            T0.plusSeconds(7)),
        new AgentRow("worker", "host-a", false, Set.of("w3"), Set.of("main"), Set.of(), T0.plusSeconds(1)),
        new AgentRow("worker", "host-b", true, Set.of("w4"), Set.of("main"), Set.of(), T0.plusSeconds(6)));
    assertThat(rows.get(1).instances()).isEqualTo(2);
  }

  @Test
  void theTableHasAColumnPerFieldAndMarksSilentAgents() {
    List<AgentRow> rows = AgentRow.fromPresence(List.of(
        instance("worker", "w1", "main", "host-a", 5, true),
        instance("worker", "w2", "main", "host-a", 1, false)));

    String table = AgentsCommand.table(rows, T0.plusSeconds(6));

    assertThat(table.lines().toList()).containsExactly(
        "AGENT   INSTANCES  HOST    CHANNELS  CAPABILITIES  LAST HEARTBEAT  STATUS",
        "worker  1          host-a  main      -             1.0s ago        online",
        "worker  1          host-a  main      -             5.0s ago        SILENT");
    assertThat(AgentsCommand.table(List.of(), T0)).contains("(no agents)");
  }
}
