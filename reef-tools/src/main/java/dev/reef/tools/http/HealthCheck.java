package dev.reef.tools.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reef.Reef;
import dev.reef.agent.AgentRuntime;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Liveness and readiness of an agent JVM. Live: the process answers. Ready: the broker connection is
 * up, and the runtime is open with at least one agent instance running (or no agent registered, for
 * a process that only sends); an orchestrator sends no traffic to a process that is not ready.
 */
final class HealthCheck {
  static final ObjectMapper MAPPER = JsonMapper.builder().build();

  private final Reef reef;
  private final AgentRuntime runtime;

  HealthCheck(Reef reef, AgentRuntime runtime) {
    this.reef = reef;
    this.runtime = runtime;
  }

  /**
   * What readiness found.
   *
   * @param connected the backend's connection is up
   * @param runtimeOpen the runtime takes spores (not closed, not shutting down)
   * @param instances running instances per registered agent
   */
  record Readiness(boolean connected, boolean runtimeOpen, Map<String, Integer> instances) {
    boolean consumersRunning() {
      return runtimeOpen && (instances.isEmpty() || instances.values().stream().anyMatch(count -> count > 0));
    }

    boolean ready() {
      return connected && consumersRunning();
    }

    String toJson() {
      return node().toString();
    }

    ObjectNode node() {
      ObjectNode node = MAPPER.createObjectNode();
      node.put("status", ready() ? "UP" : "DOWN");
      ObjectNode checks = node.putObject("checks");
      checks.putObject("broker").put("status", connected ? "UP" : "DOWN").put("connected", connected);
      ObjectNode consumers = checks.putObject("consumers");
      consumers.put("status", consumersRunning() ? "UP" : "DOWN").put("runtime_open", runtimeOpen);
      ObjectNode perAgent = consumers.putObject("instances");
      instances.forEach(perAgent::put);
      return node;
    }
  }

  Readiness readiness() {
    boolean runtimeOpen = !runtime.isClosed() && !reef.isClosed();
    Map<String, Integer> instances = new LinkedHashMap<>();
    if (runtimeOpen) {
      for (String agent : runtime.agentNames()) {
        instances.put(agent, runtime.instances(agent).size());
      }
    }
    return new Readiness(reef.isConnected(), runtimeOpen, instances);
  }

  String liveness() {
    return MAPPER.createObjectNode().put("status", "UP").toString();
  }

  String both(Readiness readiness) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("status", readiness.ready() ? "UP" : "DOWN");
    node.putObject("live").put("status", "UP");
    node.set("ready", readiness.node());
    return node.toString();
  }
}
