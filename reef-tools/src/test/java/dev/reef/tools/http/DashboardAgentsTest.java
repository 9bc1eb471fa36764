package dev.reef.tools.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reef.Reef;
import dev.reef.agent.AgentRuntime;
import dev.reef.agent.AgentSpec;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The dashboard lists every agent the namespace's directory knows, in memory too: those of other
 * Reefs on the same broker (as other JVMs on AMQP), not only the runtime it serves; one that stops
 * leaves the table.
 */
@SuppressWarnings("deprecation") // the simpleclient Prometheus registry is the one SPEC §7 names
class DashboardAgentsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration HEARTBEAT = Duration.ofMillis(100);

  @Test
  void theAgentsOfAnotherReefOnTheBrokerAreListedUntilTheyStop() throws Exception {
    String broker = "memory://dashboard-" + UUID.randomUUID();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (Reef served = Reef.builder().uri(broker).heartbeat(HEARTBEAT).meterRegistry(registry).build();
        AgentRuntime runtime = AgentRuntime.on(served);
        Reef other = Reef.builder().uri(broker).heartbeat(HEARTBEAT).build();
        AgentRuntime otherRuntime = AgentRuntime.on(other)) {
      runtime.register(AgentSpec.named("worker").onAny((spore, context) -> null).build()).start("worker", 2);
      otherRuntime.register(AgentSpec.named("auditor").channel("ops").onAny((spore, context) -> null).build())
          .start("auditor", 1);
      try (ReefHttpServer server = ReefHttpServer.builder(served, runtime, registry).host("127.0.0.1").port(0)
          .start()) {

        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
          JsonNode snapshot = snapshot(server);
          assertThat(onlineInstances(snapshot)).isEqualTo(Map.of("auditor", 1, "worker", 2));
          assertThat(agentsOn(snapshot, "ops")).isEqualTo("[\"auditor\"]");
        });

        otherRuntime.stop();

        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() ->
            assertThat(onlineInstances(snapshot(server))).isEqualTo(Map.of("worker", 2)));
      }
    }
  }

  private static JsonNode snapshot(ReefHttpServer server) throws Exception {
    return JSON.readTree(Http.get(server.port(), ReefHttpServer.SNAPSHOT_PATH).body());
  }

  /** Agent name to its instance count, for the agents the table shows online. */
  private static Map<String, Integer> onlineInstances(JsonNode snapshot) {
    Map<String, Integer> online = new TreeMap<>();
    for (JsonNode agent : snapshot.path("agents")) {
      if (agent.path("online").asBoolean()) {
        online.put(agent.path("agent").asText(), agent.path("instances").asInt());
      }
    }
    return online;
  }

  private static String agentsOn(JsonNode snapshot, String channel) {
    for (JsonNode row : snapshot.path("channels")) {
      if (row.path("channel").asText().equals(channel)) {
        return row.path("agents").toString();
      }
    }
    return "(no row for " + channel + ")";
  }
}
